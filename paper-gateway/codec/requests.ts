/**
 * Decoders for every client → server message except placeOrder, at the negotiated version.
 */
import { DecodeError } from '../errors.ts';
import { inRfqWindow, MAX_SUPPORTED_VERSION, MIN } from '../versions.ts';
import { decodePlaceOrder } from './place-order.ts';
import { FieldReader, readContract } from './reader.ts';
import { unservedRequest } from './unserved.ts';
import {
  OUT,
  type ClientMessage,
  type ExecutionFilterRequest,
  type HistoricalDataRequest,
  type MktDataRequest,
} from './client-messages.ts';

export * from './client-messages.ts';

/** Decodes any client message sent at server version `v`; an unknown id or a bad layout is a DecodeError. */
export function decodeClientMessage(fields: readonly string[], v = MAX_SUPPORTED_VERSION): ClientMessage {
  const id = new FieldReader(fields).int('message id');
  const r = new FieldReader(fields, 1);
  const done = <T extends ClientMessage>(message: T, name: string): T => {
    r.end(name);
    return message;
  };
  /** Skips the message version field most older messages carry. */
  const versioned = (): void => void r.int('version');
  switch (id) {
    case OUT.START_API: {
      versioned();
      const clientId = r.int('clientId');
      // Older clients omit the optional capabilities field.
      const optionalCapabilities = r.remaining > 0 ? r.str('optionalCapabilities') : '';
      return done({ type: 'startApi', clientId, optionalCapabilities }, 'startApi');
    }
    case OUT.PLACE_ORDER:
      return { type: 'placeOrder', order: decodePlaceOrder(fields, v) };
    case OUT.CANCEL_ORDER: {
      if (v < MIN.CME_TAGGING_FIELDS) versioned();
      const orderId = r.int('orderId');
      const manualOrderCancelTime = v >= MIN.MANUAL_ORDER_TIME ? r.str('manualOrderCancelTime') : '';
      if (inRfqWindow(v)) {
        r.str('rfq field');
        r.str('rfq field');
        r.intMax('rfq field');
      }
      if (v >= MIN.CME_TAGGING_FIELDS) {
        r.str('extOperator');
        r.intMax('manualOrderIndicator');
      }
      return done({ type: 'cancelOrder', orderId, manualOrderCancelTime }, 'cancelOrder');
    }
    case OUT.REQ_GLOBAL_CANCEL:
      if (v < MIN.CME_TAGGING_FIELDS) versioned();
      else {
        r.str('extOperator');
        r.intMax('manualOrderIndicator');
      }
      return done({ type: 'reqGlobalCancel' }, 'reqGlobalCancel');
    case OUT.REQ_CONTRACT_DATA: {
      versioned();
      const reqId = r.int('reqId');
      const contract = readContract(r);
      r.bool('includeExpired');
      r.str('secIdType');
      r.str('secId');
      if (v >= MIN.BOND_ISSUERID) r.str('issuerId');
      return done({ type: 'reqContractDetails', reqId, contract }, 'reqContractDetails');
    }
    case OUT.REQ_MKT_DATA:
      return done({ type: 'reqMktData', request: readMktData(r, v) }, 'reqMktData');
    case OUT.REQ_HISTORICAL_DATA:
      return done({ type: 'reqHistoricalData', request: readHistorical(r, v) }, 'reqHistoricalData');
    default:
      return decodeSimple(id, r, v, fields, done);
  }
}

type Done = <T extends ClientMessage>(message: T, name: string) => T;

/** Messages of a fixed layout at every supported version. */
function decodeSimple(
  id: number,
  r: FieldReader,
  v: number,
  fields: readonly string[],
  done: Done,
): ClientMessage {
  const versioned = (): void => void r.int('version');
  const reqIdOnly = (
    type: Extract<ClientMessage, { type: `cancel${string}` }>['type'],
    withVersion: boolean,
  ) => {
    if (withVersion) versioned();
    return done({ type, reqId: r.int('reqId') } as ClientMessage, type);
  };
  switch (id) {
    case OUT.REQ_OPEN_ORDERS:
      versioned();
      return done({ type: 'reqOpenOrders' }, 'reqOpenOrders');
    case OUT.REQ_ALL_OPEN_ORDERS:
      versioned();
      return done({ type: 'reqAllOpenOrders' }, 'reqAllOpenOrders');
    case OUT.REQ_AUTO_OPEN_ORDERS:
      versioned();
      return done({ type: 'reqAutoOpenOrders', autoBind: r.bool('autoBind') }, 'reqAutoOpenOrders');
    case OUT.REQ_ACCOUNT_DATA:
      versioned();
      return done(
        { type: 'reqAccountUpdates', subscribe: r.bool('subscribe'), account: r.str('acctCode') },
        'reqAccountUpdates',
      );
    case OUT.REQ_EXECUTIONS: {
      versioned();
      const filter: ExecutionFilterRequest = {
        reqId: r.int('reqId'),
        clientId: r.int('filter clientId'),
        acctCode: r.str('filter acctCode'),
        time: r.str('filter time'),
        symbol: r.str('filter symbol'),
        secType: r.str('filter secType'),
        exchange: r.str('filter exchange'),
        side: r.str('filter side'),
      };
      return done({ type: 'reqExecutions', filter }, 'reqExecutions');
    }
    case OUT.REQ_IDS:
      versioned();
      return done({ type: 'reqIds', numIds: r.int('numIds') }, 'reqIds');
    case OUT.CANCEL_MKT_DATA:
      return reqIdOnly('cancelMktData', true);
    case OUT.REQ_MANAGED_ACCTS:
      versioned();
      return done({ type: 'reqManagedAccts' }, 'reqManagedAccts');
    case OUT.REQ_CURRENT_TIME:
      versioned();
      return done({ type: 'reqCurrentTime' }, 'reqCurrentTime');
    case OUT.REQ_MARKET_DATA_TYPE:
      versioned();
      return done(
        { type: 'reqMarketDataType', marketDataType: r.int('marketDataType') },
        'reqMarketDataType',
      );
    case OUT.REQ_POSITIONS:
      versioned();
      return done({ type: 'reqPositions' }, 'reqPositions');
    case OUT.CANCEL_POSITIONS:
      versioned();
      return done({ type: 'cancelPositions' }, 'cancelPositions');
    case OUT.REQ_ACCOUNT_SUMMARY:
      versioned();
      return done(
        { type: 'reqAccountSummary', reqId: r.int('reqId'), group: r.str('group'), tags: r.str('tags') },
        'reqAccountSummary',
      );
    case OUT.CANCEL_ACCOUNT_SUMMARY:
      return reqIdOnly('cancelAccountSummary', true);
    case OUT.REQ_COMPLETED_ORDERS:
      return done({ type: 'reqCompletedOrders', apiOnly: r.bool('apiOnly') }, 'reqCompletedOrders');
    case OUT.CANCEL_HISTORICAL_DATA:
      return reqIdOnly('cancelHistoricalData', true);
    case OUT.REQ_POSITIONS_MULTI:
      versioned();
      return done(
        {
          type: 'reqPositionsMulti',
          reqId: r.int('reqId'),
          account: r.str('account'),
          modelCode: r.str('modelCode'),
        },
        'reqPositionsMulti',
      );
    case OUT.CANCEL_POSITIONS_MULTI:
      return reqIdOnly('cancelPositionsMulti', true);
    case OUT.REQ_ACCOUNT_UPDATES_MULTI:
      versioned();
      return done(
        {
          type: 'reqAccountUpdatesMulti',
          reqId: r.int('reqId'),
          account: r.str('account'),
          modelCode: r.str('modelCode'),
          ledgerAndNlv: r.bool('ledgerAndNLV'),
        },
        'reqAccountUpdatesMulti',
      );
    case OUT.CANCEL_ACCOUNT_UPDATES_MULTI:
      return reqIdOnly('cancelAccountUpdatesMulti', true);
    case OUT.REQ_PNL:
      return done(
        { type: 'reqPnL', reqId: r.int('reqId'), account: r.str('account'), modelCode: r.str('modelCode') },
        'reqPnL',
      );
    case OUT.CANCEL_PNL:
      return reqIdOnly('cancelPnL', false);
    case OUT.REQ_PNL_SINGLE:
      return done(
        {
          type: 'reqPnLSingle',
          reqId: r.int('reqId'),
          account: r.str('account'),
          modelCode: r.str('modelCode'),
          conId: r.int('conId'),
        },
        'reqPnLSingle',
      );
    case OUT.CANCEL_PNL_SINGLE:
      return reqIdOnly('cancelPnLSingle', false);
    case OUT.REQ_MATCHING_SYMBOLS:
      return done(
        { type: 'reqMatchingSymbols', reqId: r.int('reqId'), pattern: r.str('pattern') },
        'reqMatchingSymbols',
      );
    case OUT.REQ_SEC_DEF_OPT_PARAMS:
      return done(
        {
          type: 'reqSecDefOptParams',
          reqId: r.int('reqId'),
          underlyingSymbol: r.str('underlyingSymbol'),
          futFopExchange: r.str('futFopExchange'),
          underlyingSecType: r.str('underlyingSecType'),
          underlyingConId: r.int('underlyingConId'),
        },
        'reqSecDefOptParams',
      );
    case OUT.REQ_MARKET_RULE:
      return done({ type: 'reqMarketRule', marketRuleId: r.int('marketRuleId') }, 'reqMarketRule');
    case OUT.REQ_HEAD_TIMESTAMP: {
      const reqId = r.int('reqId');
      const contract = readContract(r);
      r.bool('includeExpired');
      const useRth = r.bool('useRTH');
      const whatToShow = r.str('whatToShow');
      r.str('formatDate');
      return done({ type: 'reqHeadTimestamp', reqId, contract, whatToShow, useRth }, 'reqHeadTimestamp');
    }
    case OUT.CANCEL_HEAD_TIMESTAMP:
      return reqIdOnly('cancelHeadTimestamp', false);
    default: {
      const request = unservedRequest(fields, v);
      if (!request) throw new DecodeError(`unsupported message id ${id}`);
      return { type: 'unserved', request };
    }
  }
}

function readMktData(r: FieldReader, v: number): MktDataRequest {
  r.int('version');
  const reqId = r.int('reqId');
  const contract = readContract(r);
  if (contract.secType.toUpperCase() === 'BAG') {
    const legs = r.int('comboLegs count');
    for (let i = 0; i < legs; i++) {
      r.int('comboLeg conId');
      r.int('comboLeg ratio');
      r.str('comboLeg action');
      r.str('comboLeg exchange');
    }
  }
  if (r.bool('deltaNeutralContract present')) {
    r.int('deltaNeutralContract conId');
    r.doubleMax('deltaNeutralContract delta');
    r.doubleMax('deltaNeutralContract price');
  }
  const genericTickList = r.str('genericTickList');
  const snapshot = r.bool('snapshot');
  const regulatorySnapshot = v >= MIN.REQ_SMART_COMPONENTS ? r.bool('regulatorySnapshot') : false;
  r.str('mktDataOptions');
  return { reqId, contract, genericTickList, snapshot, regulatorySnapshot };
}

function readHistorical(r: FieldReader, v: number): HistoricalDataRequest {
  if (v < MIN.SYNT_REALTIME_BARS) r.int('version');
  const reqId = r.int('reqId');
  const contract = readContract(r);
  r.bool('includeExpired');
  const endDateTime = r.str('endDateTime');
  const barSize = r.str('barSizeSetting');
  const duration = r.str('durationStr');
  const useRth = r.bool('useRTH');
  const whatToShow = r.str('whatToShow');
  const formatDate = r.int('formatDate');
  if (contract.secType.toUpperCase() === 'BAG') {
    const legs = r.int('comboLegs count');
    for (let i = 0; i < legs; i++) {
      r.int('comboLeg conId');
      r.int('comboLeg ratio');
      r.str('comboLeg action');
      r.str('comboLeg exchange');
    }
  }
  const keepUpToDate = v >= MIN.SYNT_REALTIME_BARS ? r.bool('keepUpToDate') : false;
  r.str('chartOptions');
  return { reqId, contract, endDateTime, barSize, duration, useRth, whatToShow, formatDate, keepUpToDate };
}
