/**
 * A token bucket for messages to IB: IB counts every message a client sends and answers error
 * 100 above 50 in a second (repeated excess drops the connection). The bucket refills at `rate`
 * per second and holds at most `burst`, so any one-second window carries at most rate + burst
 * messages. Waiters are served in order, urgent ones (cancels, reconciliation) first.
 */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  #tokens: number;
  #last: number;
  readonly #waiters: Array<{ urgent: boolean; resolve: () => void; reject: (e: Error) => void }> = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #now: () => number;
  /** Messages let through so far. */
  taken = 0;
  /** Messages let through per second of the last minute (a ring indexed by whole seconds). */
  readonly #perSecond = new Array<number>(60).fill(0);
  #ringSecond = 0;

  constructor(rate: number, burst = 1, now: () => number = () => performance.now()) {
    if (!(rate > 0)) throw new Error('rate must be positive');
    this.rate = rate;
    this.burst = Math.max(1, burst);
    this.#now = now;
    this.#tokens = this.burst;
    this.#last = now();
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
  }

  /** Takes a token now if one is free and nobody waits. */
  tryTake(): boolean {
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#count();
      return true;
    }
    return false;
  }

  /** Resolves when a token is yours. */
  take(urgent = false): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the pacer is closed'));
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { urgent, resolve, reject };
      if (urgent) {
        const firstNormal = this.#waiters.findIndex((w) => !w.urgent);
        this.#waiters.splice(firstNormal < 0 ? this.#waiters.length : firstNormal, 0, waiter);
      } else this.#waiters.push(waiter);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#timer || this.#waiters.length === 0) return;
    this.#refill();
    const wait = this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.rate) * 1000;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#refill();
        while (this.#waiters.length > 0 && this.#tokens >= 1) {
          this.#tokens -= 1;
          this.#count();
          this.#waiters.shift()?.resolve();
        }
        this.#schedule();
      },
      Math.max(0, Math.floor(wait)),
    );
  }

  #count(): void {
    this.taken++;
    this.#advanceRing();
    const slot = this.#ringSecond % 60;
    this.#perSecond[slot] = (this.#perSecond[slot] ?? 0) + 1;
  }

  /** Moves the ring to the current second, clearing the seconds that passed without a message. */
  #advanceRing(): void {
    const second = Math.floor(this.#now() / 1000);
    const gap = Math.min(60, second - this.#ringSecond);
    for (let i = 1; i <= gap; i++) this.#perSecond[(this.#ringSecond + i) % 60] = 0;
    if (gap > 0) this.#ringSecond = second;
  }

  /** Messages let through in the last 60 seconds (reported as the connection's pacing usage). */
  usedLastMinute(): number {
    this.#advanceRing();
    return this.#perSecond.reduce((sum, n) => sum + n, 0);
  }

  /** Whole tokens free now (a metric). */
  get available(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }

  /** How many wait. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Fails every waiter (shutdown). */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const w of this.#waiters.splice(0)) w.reject(new Error('the pacer is closed'));
  }
}
