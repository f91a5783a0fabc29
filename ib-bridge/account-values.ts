/**
 * Keeps IB's account values of the connection's accounts in the table: each session subscribes
 * with reqAccountUpdatesMulti (every account of the login), and every batch of updates IB pushes
 * (after fills and price moves) replaces the account's item, so the API serves them with their age.
 */
import type { AccountValuesStore } from '../core/connections/account-summary.ts';
import type { BrokerConnection } from './connection.ts';
import { EventName, type IBApiInstance } from './ib.ts';
import type { Logger } from './log.ts';

export interface AccountValuesFollower {
  close(): void;
}

/** Follows the account values of every session of `broker` into `store`. */
export function followAccountValues(opts: {
  broker: BrokerConnection;
  store: AccountValuesStore;
  log: Logger;
  now?: () => Date;
}): AccountValuesFollower {
  const { broker, store, log } = opts;
  const now = opts.now ?? (() => new Date());
  const accounts = new Map<string, Map<string, { value: string; currency: string }>>();
  const dirty = new Set<string>();
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;
  let closed = false;
  let reqId: number | undefined;
  const listening = new WeakSet<IBApiInstance>(); // a session's socket, heard once however often we resubscribe

  // A burst of updates (IB sends every value after a change) becomes one write per account.
  const schedule = () => {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      writing = writing.then(writeDirty);
    });
  };
  async function writeDirty(): Promise<void> {
    const at = now().toISOString();
    for (const accountId of [...dirty]) {
      dirty.delete(accountId);
      const values = Object.fromEntries(accounts.get(accountId) ?? []);
      await store.put({ accountId, values, at }).catch((error: unknown) => {
        log.warn('writing account values failed; written again at the next update', {
          account: accountId,
          error: String(error),
        });
        dirty.add(accountId);
      });
    }
  }

  const subscribe = () => {
    if (closed) return;
    const previous = reqId;
    const id = broker.requestId();
    reqId = id;
    broker
      .send((ib: IBApiInstance) => {
        if (previous !== undefined) ib.cancelAccountUpdatesMulti(previous);
        if (!listening.has(ib)) {
          listening.add(ib);
          ib.on(EventName.accountUpdateMulti, (rid, account, _model, key, value, currency) => {
            if (rid !== reqId || !account) return;
            let values = accounts.get(account);
            if (!values) accounts.set(account, (values = new Map()));
            values.set(key, { value, currency });
            dirty.add(account);
            schedule();
          });
        }
        ib.reqAccountUpdatesMulti(id, '', '', false);
      }, true)
      .catch((error: unknown) => log.warn('subscribing to account values failed', { error: String(error) }));
  };
  broker.on('session', subscribe);
  broker.on('restored', subscribe);

  return {
    close: () => {
      closed = true;
      broker.off('session', subscribe);
      broker.off('restored', subscribe);
    },
  };
}
