/** The k6 scripts' copy of the refusal codes (they cannot import the contract) matches it. */
import { expect, it } from 'vitest';
import { REFUSAL_CODES } from '../../../benchmarks/k6/lib/refusal-codes.ts';
import { BUSINESS_REFUSALS } from '../../../src/contract/refusals.ts';

it('k6 counts exactly the contract’s rejection reasons as refusals', () => {
  expect([...REFUSAL_CODES].sort()).toEqual([...BUSINESS_REFUSALS].sort());
});
