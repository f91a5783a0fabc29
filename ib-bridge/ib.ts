/**
 * @stoqey/ib is CommonJS. Node hands its module.exports over as `default`; jest's ESM loader
 * misses the names it re-exports with __exportStar. Taking values from both covers either loader.
 */
import * as ns from '@stoqey/ib';

type IBModule = typeof ns;
const raw = ns as unknown as IBModule & { default?: unknown };
const fromDefault =
  typeof raw.default === 'object' && raw.default !== null
    ? (raw.default as unknown as IBModule)
    : ({} as unknown as IBModule);
/** The whole module, whichever loader imported it. */
export const ib: IBModule = { ...fromDefault, ...raw };

export const { IBApi, EventName, SecType, OrderAction, OrderType, TimeInForce } = ib;
export type {
  Contract,
  Execution,
  ExecutionFilter,
  Order as IbOrder,
  OrderState,
  CommissionReport,
} from '@stoqey/ib';
export type IBApiInstance = InstanceType<typeof IBApi>;
