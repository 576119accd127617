/**
 * Seeded pseudo-random numbers with named streams.
 *
 * Every actor draws from its own stream (`rng('workload')`, `rng('actor:relay-1')`), so adding
 * a fault or switching the naive variant for the correct one leaves the workload untouched:
 * both sides of a comparison see the same orders at the same instants (common random numbers).
 * Only 32-bit integer arithmetic is used, so Node and every browser produce the same numbers.
 */

/** Hashes a string to 32 bits (FNV-1a), used to derive a stream's seed from its name. */
export function hashString32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32: spreads a 32-bit seed into well-mixed state words. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** One stream of random numbers (sfc32 generator). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): bounds must be integers with min <= max`);
    }
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.float() < probability;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /**
   * An exponentially distributed whole number of milliseconds with the given mean, at least 1.
   * Rounded so that no float ever reaches a trace.
   */
  exponentialMs(meanMs: number): number {
    return Math.max(1, Math.round(-Math.log(1 - this.float()) * meanMs));
  }
}

/** A family of independent named streams derived from one seed. */
export class RandomStreams {
  private readonly streams = new Map<string, Random>();

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  }

  /** The stream with this name; the same name always continues the same sequence. */
  stream(name: string): Random {
    let stream = this.streams.get(name);
    if (!stream) {
      // Mix the high bits too, so seeds above 2^32 still differ.
      const high = Math.floor(this.seed / 4294967296);
      stream = new Random(hashString32(`${this.seed >>> 0}:${high}:${name}`));
      this.streams.set(name, stream);
    }
    return stream;
  }
}
