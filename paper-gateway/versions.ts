/**
 * Server versions: the range the paper gateway speaks, the handshake negotiation, and the
 * minimum server version of every field whose presence depends on it. The numbers are IB's own
 * (`MIN_SERVER_VER_*` in IB's client source, `server_versions.py` / `EClient.java`); a field
 * marked with one of them is on the wire only when the negotiated version is at least that.
 */

/** Lowest version the gateway speaks: the first of the length-prefixed ("V100+") protocol. */
export const MIN_SUPPORTED_VERSION = 100;
/** Highest version the gateway speaks. */
export const MAX_SUPPORTED_VERSION = 193;

/** IB's minimum server versions for the fields and messages the gateway handles. */
export const MIN = {
  FRACTIONAL_POSITIONS: 101,
  PEGGED_TO_BENCHMARK: 102,
  MODELS_SUPPORT: 103,
  SEC_DEF_OPT_PARAMS_REQ: 104,
  EXT_OPERATOR: 105,
  SOFT_DOLLAR_TIER: 106,
  REQ_MATCHING_SYMBOLS: 108,
  MD_SIZE_MULTIPLIER: 110,
  REQ_SMART_COMPONENTS: 114,
  CASH_QTY: 111,
  REQ_HEAD_TIMESTAMP: 118,
  AGG_GROUP: 121,
  UNDERLYING_INFO: 122,
  CANCEL_HEADTIMESTAMP: 123,
  SYNT_REALTIME_BARS: 124,
  MARKET_RULES: 126,
  PNL: 127,
  UNREALIZED_PNL: 129,
  MARKET_CAP_PRICE: 131,
  REAL_EXPIRATION_DATE: 134,
  REALIZED_PNL: 135,
  LAST_LIQUIDITY: 136,
  DECISION_MAKER: 138,
  MIFID_EXECUTION: 139,
  AUTO_PRICE_FOR_HEDGE: 141,
  WHAT_IF_EXT_FIELDS: 142,
  ORDER_CONTAINER: 145,
  D_PEG_ORDERS: 148,
  REQ_COMPLETED_ORDERS: 150,
  PRICE_MGMT_ALGO: 151,
  STOCK_TYPE: 152,
  DURATION: 158,
  POST_TO_ATS: 160,
  AUTO_CANCEL_PARENT: 162,
  FRACTIONAL_SIZE_SUPPORT: 163,
  SIZE_RULES: 164,
  ADVANCED_ORDER_REJECT: 166,
  MANUAL_ORDER_TIME: 169,
  PEGBEST_PEGMID_OFFSETS: 170,
  BOND_ISSUERID: 176,
  FA_PROFILE_DESUPPORT: 177,
  PENDING_PRICE_REVISION: 178,
  FUND_DATA_FIELDS: 179,
  LAST_TRADE_DATE: 182,
  CUSTOMER_ACCOUNT: 183,
  PROFESSIONAL_CUSTOMER: 184,
  BOND_ACCRUED_INTEREST: 185,
  INELIGIBILITY_REASONS: 186,
  RFQ_FIELDS: 187,
  INCLUDE_OVERNIGHT: 189,
  UNDO_RFQ_FIELDS: 190,
  CME_TAGGING_FIELDS: 192,
  CME_TAGGING_FIELDS_IN_OPEN_ORDER: 193,
} as const;

/** The fields only versions in [from, until) carry (IB added, then withdrew, the RFQ fields). */
export function inRfqWindow(v: number): boolean {
  return v >= MIN.RFQ_FIELDS && v < MIN.UNDO_RFQ_FIELDS;
}

/** `fields` when the version carries them, else nothing: for spreading into a message. */
export function since(
  v: number,
  min: number,
  ...fields: ReadonlyArray<string | number | boolean | undefined>
) {
  return v >= min ? fields : [];
}

/** What the handshake decides. */
export type Negotiation =
  | { accepted: true; version: number }
  /** `answer` is the version the server announces, outside the client's range, before it closes. */
  | { accepted: false; answer: number };

/**
 * IB's rule: the highest version both sides speak. When the ranges do not overlap, IB still
 * announces a version of its own, which the client finds outside its range and reports as
 * "Unsupported Version" (client error 506) before disconnecting.
 */
export function negotiate(range: { min: number; max: number }): Negotiation {
  const version = Math.min(range.max, MAX_SUPPORTED_VERSION);
  if (version >= range.min && version >= MIN_SUPPORTED_VERSION) return { accepted: true, version };
  return {
    accepted: false,
    answer: range.max < MIN_SUPPORTED_VERSION ? MIN_SUPPORTED_VERSION : MAX_SUPPORTED_VERSION,
  };
}

/** `fields` when the version is older than `limit` (fields IB later withdrew), else nothing. */
export function before(
  v: number,
  limit: number,
  ...fields: ReadonlyArray<string | number | boolean | undefined>
) {
  return v < limit ? fields : [];
}
