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
const ib: IBModule = { ...fromDefault, ...raw };

export const { IBApi, IBApiNext, EventName, MarketDataType, SecType, OrderAction, OrderType } = ib;
export const TickType = ib.IBApiTickType;
export type {
  AccountPositionsUpdate,
  AccountSummariesUpdate,
  Contract,
  ExecutionFilter,
  Order,
} from '@stoqey/ib';
