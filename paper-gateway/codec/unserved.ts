/**
 * Requests the paper gateway recognises but does not simulate. Each is answered at once with an
 * error on the request's own id (or on -1 when the request has none), so no client waits on it;
 * cancellations of such requests need no answer and are dropped.
 */
import { MIN } from '../versions.ts';

/** Where a request keeps its id: after the message id alone, or after a message version too. */
type IdAt = 'none' | 'afterVersion' | 'first' | ((v: number) => 'afterVersion' | 'first');

interface Entry {
  name: string;
  id: IdAt;
  /** A cancellation or a setting: nothing to answer. */
  silent?: boolean;
}

const SCANNER_GENERIC_OPTS = 143;

/** IB's client → server message ids of everything the gateway does not serve. */
const UNSERVED: Record<number, Entry> = {
  10: { name: 'reqMktDepth', id: 'afterVersion' },
  11: { name: 'cancelMktDepth', id: 'afterVersion', silent: true },
  12: { name: 'reqNewsBulletins', id: 'none' },
  13: { name: 'cancelNewsBulletins', id: 'none', silent: true },
  14: { name: 'setServerLogLevel', id: 'none', silent: true },
  18: { name: 'requestFA', id: 'none' },
  19: { name: 'replaceFA', id: 'none' },
  21: { name: 'exerciseOptions', id: 'afterVersion' },
  22: {
    name: 'reqScannerSubscription',
    id: (v) => (v >= SCANNER_GENERIC_OPTS ? 'first' : 'afterVersion'),
  },
  23: { name: 'cancelScannerSubscription', id: 'afterVersion', silent: true },
  24: { name: 'reqScannerParameters', id: 'none' },
  50: { name: 'reqRealTimeBars', id: 'afterVersion' },
  51: { name: 'cancelRealTimeBars', id: 'afterVersion', silent: true },
  52: { name: 'reqFundamentalData', id: 'afterVersion' },
  53: { name: 'cancelFundamentalData', id: 'afterVersion', silent: true },
  54: { name: 'calculateImpliedVolatility', id: 'afterVersion' },
  55: { name: 'calculateOptionPrice', id: 'afterVersion' },
  56: { name: 'cancelCalculateImpliedVolatility', id: 'afterVersion', silent: true },
  57: { name: 'cancelCalculateOptionPrice', id: 'afterVersion', silent: true },
  65: { name: 'verifyRequest', id: 'none' },
  66: { name: 'verifyMessage', id: 'none' },
  67: { name: 'queryDisplayGroups', id: 'afterVersion' },
  68: { name: 'subscribeToGroupEvents', id: 'afterVersion' },
  69: { name: 'updateDisplayGroup', id: 'afterVersion' },
  70: { name: 'unsubscribeFromGroupEvents', id: 'afterVersion', silent: true },
  72: { name: 'verifyAndAuthRequest', id: 'none' },
  73: { name: 'verifyAndAuthMessage', id: 'none' },
  79: { name: 'reqSoftDollarTiers', id: 'first' },
  80: { name: 'reqFamilyCodes', id: 'none' },
  82: { name: 'reqMktDepthExchanges', id: 'none' },
  83: { name: 'reqSmartComponents', id: 'first' },
  84: { name: 'reqNewsArticle', id: 'first' },
  85: { name: 'reqNewsProviders', id: 'none' },
  86: { name: 'reqHistoricalNews', id: 'first' },
  88: { name: 'reqHistogramData', id: 'first' },
  89: { name: 'cancelHistogramData', id: 'first', silent: true },
  96: { name: 'reqHistoricalTicks', id: 'first' },
  97: { name: 'reqTickByTickData', id: 'first' },
  98: { name: 'cancelTickByTickData', id: 'first', silent: true },
  100: { name: 'reqWshMetaData', id: 'first' },
  101: { name: 'cancelWshMetaData', id: 'first', silent: true },
  102: { name: 'reqWshEventData', id: 'first' },
  103: { name: 'cancelWshEventData', id: 'first', silent: true },
  104: { name: 'reqUserInfo', id: 'first' },
};

/** A recognised request the gateway does not serve. */
export interface UnservedRequest {
  name: string;
  /** The request's own id, or -1 when the request carries none. */
  reqId: number;
  /** True when no answer is due (cancellations, settings). */
  silent: boolean;
}

/** The unserved request these fields are, or undefined for an unknown message id. */
export function unservedRequest(fields: readonly string[], v: number): UnservedRequest | undefined {
  const entry = UNSERVED[Number(fields[0])];
  if (!entry) return undefined;
  const at = typeof entry.id === 'function' ? entry.id(v) : entry.id;
  const raw = at === 'none' ? undefined : fields[at === 'first' ? 1 : 2];
  const reqId = raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : -1;
  return { name: entry.name, reqId, silent: entry.silent === true };
}

/** Served messages whose request (or order) id follows a message version field. */
const ID_AFTER_VERSION = new Set([1, 2, 7, 9, 25, 62, 63, 74, 75, 76, 77]);
/** Served messages whose request id comes first. */
const ID_FIRST = new Set([78, 81, 87, 90, 92, 93, 94, 95]);

/**
 * The request or order id a message carries, found without decoding it (for answering a
 * message that fails to decode on its own id), or -1.
 */
export function requestIdOf(fields: readonly string[], v: number): number {
  const id = Number(fields[0]);
  let at: number | undefined;
  if (id === 3) at = v >= MIN.ORDER_CONTAINER ? 1 : 2;
  else if (id === 4) at = v >= MIN.CME_TAGGING_FIELDS ? 1 : 2;
  else if (id === 20) at = v >= MIN.SYNT_REALTIME_BARS ? 1 : 2;
  else if (ID_AFTER_VERSION.has(id)) at = 2;
  else if (ID_FIRST.has(id)) at = 1;
  else return unservedRequest(fields, v)?.reqId ?? -1;
  const raw = fields[at];
  return raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : -1;
}
