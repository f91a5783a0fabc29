import type { BrokerReply, BrokerRequest } from './model.ts';

/** Port: sends a request to the bridge of its connection. */
export interface BrokerRequestChannel {
  send(request: BrokerRequest): Promise<void>;
}

/** Port: replies, keyed by tenant and request id (the API reads; the bridge writes). */
export interface BrokerReplyStore {
  get(tenantId: string, requestId: string): Promise<BrokerReply | undefined>;
  put(reply: BrokerReply, ttlSeconds: number): Promise<void>;
}
