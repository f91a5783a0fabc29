import type { DynamoExecutionStore } from '../adapters/dynamodb/execution-store.ts';
import { KeyedMutex } from './keyed.ts';

/**
 * IB order ids for one client id. They come in blocks reserved in the store (a conditional
 * write advances the stored next id), so they only ever increase: across restarts of the bridge,
 * and when the gateway, after its own restart, reports a nextValidId below ids used before.
 */
export class OrderIdAllocator {
  readonly #store: DynamoExecutionStore;
  readonly #clientId: number;
  readonly #block: number;
  readonly #mutex = new KeyedMutex();
  #next = 0;
  #end = 0;
  #floor = 0;

  constructor(store: DynamoExecutionStore, clientId: number, block = 50) {
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
  next(): Promise<number> {
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
      return this.#next++;
    });
  }
}
