/**
 * Holding a broker connection: at most one bridge works a connection at a time. A bridge takes the
 * connection's lease before it opens the socket (waiting while another holds it), renews it with
 * every heartbeat, and stops when a renewal fails, since by then another bridge may hold it. The
 * fencing token guards the bridge's IB order ids (the store checks it when it reserves a block).
 */
import type { ConnectionLeaseStore } from '../core/bridge/ports.ts';
import type { Logger } from './log.ts';

export interface LeaseOptions {
  connectionId: string;
  /** Who this bridge is in the lease item (task id or host and pid). */
  holder: string;
  leases: ConnectionLeaseStore;
  /** How long a lease runs without renewal: how long a dead bridge's successor waits at most. */
  ttlMs: number;
  log: Logger;
  /** Waits between attempts while another bridge holds the lease (tests pass a virtual one). */
  sleep?: (ms: number) => Promise<void>;
}

export class ConnectionLease {
  readonly #o: LeaseOptions;
  #token: number | undefined;
  #released = false;

  constructor(options: LeaseOptions) {
    this.#o = options;
  }

  /** The fencing token while the lease is held. */
  get token(): number | undefined {
    return this.#token;
  }

  /** Resolves once this bridge holds the lease; `cancelled` ends the wait (resolves false). */
  async acquire(cancelled: () => boolean = () => false): Promise<boolean> {
    const { connectionId, holder, leases, ttlMs, log } = this.#o;
    const sleep = this.#o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let waitingLogged = false;
    while (!cancelled()) {
      const outcome = await leases.acquire(connectionId, holder, ttlMs);
      if ('token' in outcome) {
        this.#token = outcome.token;
        log.info('connection lease taken', { connectionId, fencingToken: outcome.token });
        return true;
      }
      if (!waitingLogged) {
        log.info('waiting for the connection lease held by another bridge', {
          connectionId,
          heldBy: outcome.holder,
        });
        waitingLogged = true;
      }
      // Try again at a third of the lease time: a successor takes over within ttl × 4/3 at worst.
      await sleep(Math.max(50, Math.floor(ttlMs / 3)));
    }
    return false;
  }

  /** Extends the lease; false when it was lost (the bridge must stop working the connection). */
  async renew(): Promise<boolean> {
    if (this.#token === undefined || this.#released) return false;
    const { connectionId, holder, leases, ttlMs } = this.#o;
    const held = await leases.renew(connectionId, holder, this.#token, ttlMs);
    if (!held) this.#token = undefined;
    return held;
  }

  /** Gives the lease up so a successor need not wait for it to run out. */
  async release(): Promise<void> {
    if (this.#token === undefined || this.#released) return;
    this.#released = true;
    const { connectionId, holder, leases } = this.#o;
    await leases.release(connectionId, holder, this.#token);
    this.#token = undefined;
  }
}
