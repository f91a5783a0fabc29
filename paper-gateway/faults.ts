/**
 * Armed faults: one-shot or counted misbehaviours the server consults as orders arrive. Kept
 * apart from the server so that each fault is a plain piece of state with its own rule.
 */

/** How orderStatus is disturbed for an order picked by the fault. */
export type StatusFault = { mode: 'omit' } | { mode: 'delay'; ms: number };

/** A rejection armed for the next new order. */
export interface ArmedRejection {
  code: number;
  reason: string;
}

/** The set of armed faults. */
export class Faults {
  #statusFaultsLeft = 0;
  #statusFault: StatusFault = { mode: 'omit' };
  readonly #rejections: ArmedRejection[] = [];
  #fillOnCancelLeft = 0;
  /** Orders (by key) whose orderStatus messages are disturbed, and how. */
  readonly disturbed = new Map<string, StatusFault>();

  /** The next `count` new orders get no orderStatus at all (fills show only as execDetails). */
  omitOrderStatus(count: number): void {
    this.#statusFaultsLeft = count;
    this.#statusFault = { mode: 'omit' };
  }

  /** The next `count` new orders get every orderStatus `ms` late. */
  delayOrderStatus(count: number, ms: number): void {
    this.#statusFaultsLeft = count;
    this.#statusFault = { mode: 'delay', ms };
  }

  /** Called for each accepted new order: marks it if a status fault is armed. */
  claimStatusFault(orderKey: string): void {
    if (this.#statusFaultsLeft <= 0) return;
    this.#statusFaultsLeft -= 1;
    this.disturbed.set(orderKey, this.#statusFault);
  }

  /** Arms a rejection of the next new order. */
  rejectNextOrder(code: number, reason: string): void {
    this.#rejections.push({ code, reason });
  }

  /** Takes the armed rejection, if any. */
  claimRejection(): ArmedRejection | undefined {
    return this.#rejections.shift();
  }

  /** The next `count` cancel requests find the order filling while PendingCancel. */
  fillWhilePendingCancel(count = 1): void {
    this.#fillOnCancelLeft += count;
  }

  /** Takes one armed fill-on-cancel, if any. */
  claimFillOnCancel(): boolean {
    if (this.#fillOnCancelLeft <= 0) return false;
    this.#fillOnCancelLeft -= 1;
    return true;
  }

  /** Disarms everything. */
  clear(): void {
    this.#statusFaultsLeft = 0;
    this.#rejections.length = 0;
    this.#fillOnCancelLeft = 0;
    this.disturbed.clear();
  }
}
