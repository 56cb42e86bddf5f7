/**
 * The business refusal codes, as the k6 scripts count them (a refusal is the system working
 * and saying no; every other code is an error). A copy of the contract's `BUSINESS_REFUSALS`
 * (src/contract/refusals.ts), not an import: k6 runs these scripts in its own runtime, which
 * loads relative files but not npm packages, and the contract module imports zod.
 * tests/unit/bench/k6-refusal-codes.test.ts holds the copy equal to the contract.
 */
export const REFUSAL_CODES: readonly string[] = [
  'SEAT_TAKEN',
  'NOT_HOLDER',
  'HOLD_EXPIRED',
  'UNKNOWN_SHOW',
  'UNKNOWN_SEAT',
  'CANCELLED',
  'LIMIT_REACHED',
  'EXTENSION_LIMIT',
  'REQUEST_EXPIRED',
  'BUSY',
];
