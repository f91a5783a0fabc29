/**
 * An in-memory BrokerSession: records what the bridge sends, and answers reconciliation's
 * requests with what a test says the broker holds (delivered to the router as the real
 * connection's events would be, before the request resolves).
 */
import type { BrokerSession } from '../../ib-bridge/ports.ts';
import type { Contract, IbOrder } from '../../ib-bridge/ib.ts';

export interface Sent {
  kind: 'place' | 'cancel';
  id: number;
  order?: IbOrder;
  contract?: Contract;
}

export class FakeBrokerSession implements BrokerSession {
  up = true;
  sessions = 1;
  readonly sent: Sent[] = [];
  /** Called at each send, before it is recorded (a test checks what the store holds then). */
  onSend: (sent: Sent) => void = () => undefined;
  /** Replies to reqAllOpenOrders, delivered before the request resolves. */
  openOrderReplies: () => unknown[] = () => [];
  completedReplies: () => unknown[] = () => [];
  executionReplies: () => unknown[] = () => [];
  heldPositions: Array<{ account: string; contract: Contract; pos: number }> = [];
  /** Runs once during the next openOrders request (a session drop mid-reconciliation). */
  duringOpenOrders: (() => void) | undefined;
  executionRequests = 0;

  async placeOrder(id: number, contract: Contract, order: IbOrder): Promise<void> {
    const sent: Sent = { kind: 'place', id, order, contract };
    this.onSend(sent);
    this.sent.push(sent);
  }

  async cancelOrder(id: number): Promise<void> {
    const sent: Sent = { kind: 'cancel', id };
    this.onSend(sent);
    this.sent.push(sent);
  }

  async openOrders(): Promise<unknown[]> {
    const during = this.duringOpenOrders;
    this.duringOpenOrders = undefined;
    during?.();
    return this.openOrderReplies();
  }

  async completedOrders(): Promise<unknown[]> {
    return this.completedReplies();
  }

  async executions(_filter?: unknown): Promise<unknown[]> {
    this.executionRequests++;
    return this.executionReplies();
  }

  async positions() {
    return this.heldPositions;
  }
}
