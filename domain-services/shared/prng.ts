/**
 * Deterministic randomness for seeded data. Hand-written on purpose: the seed must be identical on
 * every machine and Node version, for every user, without a dependency (Math.random cannot be seeded).
 * mulberry32 is tiny, fast and good enough for fake data; it is not for anything secret.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly [T, ...T[]]): T;
  /** True with the given probability. */
  chance(probability: number): boolean;
}

/** FNV-1a: spreads similar keys ('u-1', 'u-2') over unrelated 32-bit seeds. */
export function hashString(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function seededRandom(key: string): SeededRandom {
  let state = hashString(key);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly [T, ...T[]]): T => items[int(0, items.length - 1)] ?? items[0],
    chance: (probability) => next() < probability,
  };
}

/** Rounds to cents: balances are JSON numbers, and repeated additions must not drift. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}
