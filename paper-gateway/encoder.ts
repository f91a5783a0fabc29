/**
 * Server → client encoding at the server version negotiated for the connection. Every builder
 * returns the field list of one message and takes the version last (default: the highest).
 * The layouts live in codec/: connection, accounts and executions (out-basic.ts), orders
 * (out-orders.ts), market data and contract details (out-market.ts), historical and reference
 * data, P&L and the multi subscriptions (out-reference.ts).
 */
export * from './codec/out-basic.ts';
export * from './codec/out-orders.ts';
export * from './codec/out-market.ts';
export * from './codec/out-reference.ts';
export * from './codec/out-derivatives.ts';
