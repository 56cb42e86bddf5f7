import { InvalidArgumentError } from 'commander';

/** A commander option parser for a whole number within bounds, with a message that says which. */
export function parseIntOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${name} must be a whole number (got "${value}").`);
    const n = Number(value);
    if (n < min || n > max)
      throw new InvalidArgumentError(`${name} must be between ${min} and ${max} (got ${n}).`);
    return n;
  };
}
