/**
 * Whether state recorded under one log fingerprint belongs to the log of another (see
 * `kafka/log-fingerprint.ts` for the form `<cluster id>|<first record time>`). Same
 * cluster, and the same first record wherever both sides know it: a partition that was
 * empty when its state was first recorded has no first record time yet. The snapshot
 * claim script makes the same comparison inside Redis.
 */
export function sameLog(stored: string | undefined, current: string): boolean {
  if (stored === undefined) return false;
  if (stored === current) return true;
  const a = split(stored);
  const b = split(current);
  return (
    a !== undefined &&
    b !== undefined &&
    a.cluster === b.cluster &&
    (a.first === '' || b.first === '')
  );
}

function split(fingerprint: string): { cluster: string; first: string } | undefined {
  const bar = fingerprint.lastIndexOf('|');
  return bar < 0
    ? undefined
    : { cluster: fingerprint.slice(0, bar), first: fingerprint.slice(bar + 1) };
}
