/**
 * The gateway's simulated clock: it runs at wall speed (or a multiple) from a chosen start, and
 * can be set or advanced, so that sessions, weekends and holidays can be reached on demand.
 */

/** The simulated time source. */
export class SimulatedClock {
  #origin: number;
  #wallOrigin: number;
  readonly #rate: number;
  readonly #wall: () => number;

  /** `start` defaults to now; `rate` is simulated milliseconds per wall millisecond (default 1). */
  constructor(start?: number, rate = 1, wall: () => number = Date.now) {
    this.#wall = wall;
    this.#wallOrigin = wall();
    this.#origin = start ?? this.#wallOrigin;
    this.#rate = rate;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return Math.floor(this.#origin + (this.#wall() - this.#wallOrigin) * this.#rate);
  }

  /** Jumps to a simulated instant; the clock runs on from there. */
  set(epochMs: number): void {
    this.#origin = epochMs;
    this.#wallOrigin = this.#wall();
  }

  /** Moves the simulated time forward (or back, for a negative amount). */
  advance(ms: number): void {
    this.set(this.now() + ms);
  }
}

/** Parses an ISO date-time or epoch milliseconds. */
export function parseInstant(value: string | number): number | undefined {
  const ms = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
