import type { ConnectionStore } from '../../core/connections/ports.ts';
import { resolveOrderRoute } from '../../core/connections/service.ts';
import type { OrderRouter } from '../../core/orders/ports.ts';
import { houseConnection } from '../connections-config.ts';

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
