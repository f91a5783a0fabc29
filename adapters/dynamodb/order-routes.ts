import { DEMO_CONNECTION_ID } from '../../core/connections/model.ts';
import type { ConnectionStore } from '../../core/connections/ports.ts';
import { resolveOrderRoute } from '../../core/connections/service.ts';
import type { OrderRouter } from '../../core/orders/ports.ts';
import { env } from '../../core/topology.ts';

/** The house connection (`cdemo` unless configured; none when set empty). */
export function houseConnection(): string | undefined {
  const configured = process.env[env.houseConnection];
  if (configured === undefined) return DEMO_CONNECTION_ID;
  return configured === '' ? undefined : configured;
}

/** Routes orders by the accounts in the connection store (see core/connections/service.ts). */
export class StoreOrderRouter implements OrderRouter {
  readonly store: Pick<ConnectionStore, 'getAccount' | 'getDefaultAccount'>;
  private readonly house: () => string | undefined;

  constructor(
    store: Pick<ConnectionStore, 'getAccount' | 'getDefaultAccount'>,
    house: () => string | undefined = houseConnection,
  ) {
    this.store = store;
    this.house = house;
  }

  route(tenantId: string, account: string | undefined) {
    return resolveOrderRoute(this.store, tenantId, account, this.house());
  }
}
