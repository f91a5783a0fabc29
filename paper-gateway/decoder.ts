/**
 * Client → server decoding, at the server version negotiated for the connection. The layouts
 * live in codec/: placeOrder (codec/place-order.ts), every other request (codec/requests.ts),
 * recognised but unserved requests (codec/unserved.ts).
 */
export {
  FieldReader,
  readContract,
  type ContractFields,
  type DecodedCondition,
  type TagValue,
} from './codec/reader.ts';
export {
  assertSimulated,
  SIMULATED_ORDER_TYPES,
  SIMULATED_TIFS,
  type PlaceOrderRequest,
  type SimulatedOrderType,
  type SimulatedTif,
} from './codec/order-request.ts';
export { decodePlaceOrder } from './codec/place-order.ts';
export {
  decodeClientMessage,
  OUT,
  type ClientMessage,
  type ExecutionFilterRequest,
  type HistoricalDataRequest,
  type MktDataRequest,
} from './codec/requests.ts';
export type { UnservedRequest } from './codec/unserved.ts';
