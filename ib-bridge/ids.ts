import type { BridgeStateStore } from './ports.ts';
import { KeyedMutex } from './keyed.ts';

/** An allocated IB order id: send with it (in id order) or give it up. */
export interface IdTicket {
  id: number;
  /** Runs `start` once every lower id has been sent or given up; `start` must take its pacing token at once. */
  send(start: () => Promise<void>): Promise<void>;
  abandon(): void;
}

/**
 * IB order ids for one client id. They come in blocks reserved in the store (a conditional
 * write advances the stored next id), so they only ever increase: across restarts of the bridge,
 * and when the gateway, after its own restart, reports a nextValidId below ids used before.
 *
 * IB also refuses (103) an id below one it has already seen from the client, so placements go
 * out in id order: claims run side by side, sends wait for every lower id.
 */
export class OrderIdAllocator {
  readonly #store: Pick<BridgeStateStore, 'reserveOrderIds'>;
  readonly #clientId: number;
  readonly #block: number;
  readonly #mutex = new KeyedMutex();
  #next = 0;
  #end = 0;
  #floor = 0;
  /** Allocated ids not yet sent or given up, ascending. */
  readonly #outstanding: number[] = [];
  readonly #startable = new Map<number, () => void>();

  constructor(store: Pick<BridgeStateStore, 'reserveOrderIds'>, clientId: number, block = 50) {
    this.#store = store;
    this.#clientId = clientId;
    this.#block = block;
  }

  /** The gateway said ids start at `id` (nextValidId) or that an id is taken (103): never go below. */
  raiseFloor(id: number): void {
    this.#floor = Math.max(this.#floor, id);
    if (this.#next < this.#floor) this.#end = 0;
  }

  /** The next unused id. */
  next(): Promise<IdTicket> {
    return this.#mutex.run('ids', async () => {
      if (this.#next >= this.#end || this.#next < this.#floor) {
        const start = await this.#store.reserveOrderIds(
          this.#clientId,
          Math.max(this.#floor, this.#end),
          this.#block,
        );
        this.#next = start;
        this.#end = start + this.#block;
      }
      const id = this.#next++;
      this.#outstanding.push(id);
      return this.#ticket(id);
    });
  }

  #ticket(id: number): IdTicket {
    let settled = false;
    return {
      id,
      send: (start) =>
        new Promise<void>((resolve, reject) => {
          if (settled) {
            reject(new Error(`order id ${id} was already used`));
            return;
          }
          settled = true;
          this.#startable.set(id, () => start().then(resolve, reject));
          this.#pump();
        }),
      abandon: () => {
        if (settled) return;
        settled = true;
        const i = this.#outstanding.indexOf(id);
        if (i >= 0) this.#outstanding.splice(i, 1);
        this.#pump();
      },
    };
  }

  #pump(): void {
    for (;;) {
      const first = this.#outstanding[0];
      if (first === undefined) return;
      const start = this.#startable.get(first);
      if (!start) return;
      this.#outstanding.shift();
      this.#startable.delete(first);
      start();
    }
  }
}
