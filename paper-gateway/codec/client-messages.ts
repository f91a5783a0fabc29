/**
 * The client → server messages the gateway serves: their ids and their decoded shapes.
 */
import type { PlaceOrderRequest } from './order-request.ts';
import type { ContractFields } from './reader.ts';
import type { UnservedRequest } from './unserved.ts';

/** Client → server message ids the gateway serves. */
export const OUT = {
  REQ_MKT_DATA: 1,
  CANCEL_MKT_DATA: 2,
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_ACCOUNT_DATA: 6,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_CONTRACT_DATA: 9,
  REQ_AUTO_OPEN_ORDERS: 15,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_HISTORICAL_DATA: 20,
  CANCEL_HISTORICAL_DATA: 25,
  REQ_CURRENT_TIME: 49,
  REQ_GLOBAL_CANCEL: 58,
  REQ_MARKET_DATA_TYPE: 59,
  REQ_POSITIONS: 61,
  REQ_ACCOUNT_SUMMARY: 62,
  CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64,
  START_API: 71,
  REQ_POSITIONS_MULTI: 74,
  CANCEL_POSITIONS_MULTI: 75,
  REQ_ACCOUNT_UPDATES_MULTI: 76,
  CANCEL_ACCOUNT_UPDATES_MULTI: 77,
  REQ_SEC_DEF_OPT_PARAMS: 78,
  REQ_MATCHING_SYMBOLS: 81,
  REQ_HEAD_TIMESTAMP: 87,
  CANCEL_HEAD_TIMESTAMP: 90,
  REQ_MARKET_RULE: 91,
  REQ_PNL: 92,
  CANCEL_PNL: 93,
  REQ_PNL_SINGLE: 94,
  CANCEL_PNL_SINGLE: 95,
  REQ_COMPLETED_ORDERS: 99,
} as const;

/** Contract fields of reqMktData plus its options. */
export interface MktDataRequest {
  reqId: number;
  contract: ContractFields;
  genericTickList: string;
  snapshot: boolean;
  regulatorySnapshot: boolean;
}

/** An execution filter as sent with reqExecutions. */
export interface ExecutionFilterRequest {
  reqId: number;
  clientId: number;
  acctCode: string;
  time: string;
  symbol: string;
  secType: string;
  exchange: string;
  side: string;
}

/** reqHistoricalData as sent. */
export interface HistoricalDataRequest {
  reqId: number;
  contract: ContractFields;
  endDateTime: string;
  barSize: string;
  duration: string;
  useRth: boolean;
  whatToShow: string;
  formatDate: number;
  keepUpToDate: boolean;
}

/** Every client message the gateway understands, decoded. */
export type ClientMessage =
  | { type: 'startApi'; clientId: number; optionalCapabilities: string }
  | { type: 'placeOrder'; order: PlaceOrderRequest }
  | { type: 'cancelOrder'; orderId: number; manualOrderCancelTime: string }
  | { type: 'reqOpenOrders' }
  | { type: 'reqAllOpenOrders' }
  | { type: 'reqAutoOpenOrders'; autoBind: boolean }
  | { type: 'reqAccountUpdates'; subscribe: boolean; account: string }
  | { type: 'reqExecutions'; filter: ExecutionFilterRequest }
  | { type: 'reqIds'; numIds: number }
  | { type: 'reqContractDetails'; reqId: number; contract: ContractFields }
  | { type: 'reqMktData'; request: MktDataRequest }
  | { type: 'cancelMktData'; reqId: number }
  | { type: 'reqManagedAccts' }
  | { type: 'reqCurrentTime' }
  | { type: 'reqGlobalCancel' }
  | { type: 'reqMarketDataType'; marketDataType: number }
  | { type: 'reqPositions' }
  | { type: 'cancelPositions' }
  | { type: 'reqAccountSummary'; reqId: number; group: string; tags: string }
  | { type: 'cancelAccountSummary'; reqId: number }
  | { type: 'reqCompletedOrders'; apiOnly: boolean }
  | { type: 'reqHistoricalData'; request: HistoricalDataRequest }
  | { type: 'cancelHistoricalData'; reqId: number }
  | { type: 'reqPositionsMulti'; reqId: number; account: string; modelCode: string }
  | { type: 'cancelPositionsMulti'; reqId: number }
  | {
      type: 'reqAccountUpdatesMulti';
      reqId: number;
      account: string;
      modelCode: string;
      ledgerAndNlv: boolean;
    }
  | { type: 'cancelAccountUpdatesMulti'; reqId: number }
  | { type: 'reqPnL'; reqId: number; account: string; modelCode: string }
  | { type: 'cancelPnL'; reqId: number }
  | { type: 'reqPnLSingle'; reqId: number; account: string; modelCode: string; conId: number }
  | { type: 'cancelPnLSingle'; reqId: number }
  | { type: 'reqMatchingSymbols'; reqId: number; pattern: string }
  | {
      type: 'reqSecDefOptParams';
      reqId: number;
      underlyingSymbol: string;
      futFopExchange: string;
      underlyingSecType: string;
      underlyingConId: number;
    }
  | { type: 'reqMarketRule'; marketRuleId: number }
  | { type: 'reqHeadTimestamp'; reqId: number; contract: ContractFields; whatToShow: string; useRth: boolean }
  | { type: 'cancelHeadTimestamp'; reqId: number }
  | { type: 'unserved'; request: UnservedRequest };
