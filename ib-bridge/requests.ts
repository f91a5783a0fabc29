/**
 * The bridge's side of the broker request/reply channel: it serves requests for its own
 * connection only (and only for accounts its login manages), runs each against IB through the
 * paced socket, and writes the reply under the asking tenant. A request the API stopped waiting
 * for is dropped unanswered.
 */
import { BROKER_REPLY_TTL_SECONDS, type BrokerReply, type BrokerRequest } from '../core/broker/model.ts';
import type { BrokerReplyStore } from '../core/broker/ports.ts';
import { BrokerUnavailableError, type BrokerConnection, type OpenOrderMessage } from './connection.ts';
import { EventName, type IBApiInstance } from './ib.ts';
import type { OrderIdAllocator } from './ids.ts';
import type { Logger } from './log.ts';
import {
  ibContractOf,
  instrumentDetailsOf,
  symbolMatchOf,
  whatIfFiguresOf,
  whatIfIbOrder,
} from './request-translate.ts';
import type { ContractDescription, ContractDetails } from '@stoqey/ib';

export interface RequestDeskDeps {
  broker: Pick<BrokerConnection, 'send' | 'requestId' | 'placeOrder' | 'on' | 'off'>;
  ids: Pick<OrderIdAllocator, 'next'>;
  replies: BrokerReplyStore;
  /** The connection this bridge serves. */
  connectionId: string | undefined;
  /** The accounts the login manages now (IB's managedAccounts). */
  accounts: () => string[];
  /** The bridge's default account (IB_ACCOUNT), used when a request names none. */
  account: string | undefined;
  log: Logger;
}

/** IB answered the request with an error message. */
class IbRequestError extends Error {
  readonly ibCode: number;
  constructor(ibCode: number, message: string) {
    super(message);
    this.name = 'IbRequestError';
    this.ibCode = ibCode;
  }
}

export class BrokerRequestDesk {
  readonly #d: RequestDeskDeps;
  served = 0;
  refused = 0;

  constructor(deps: RequestDeskDeps) {
    this.#d = deps;
  }

  /** Serves one request; never throws (the queue message is done with either way). */
  async handle(request: BrokerRequest): Promise<void> {
    const deadline = Date.parse(request.expiresAt);
    if (!(deadline > Date.now())) {
      this.#d.log.info('broker request expired before it was served; dropped', {
        requestId: request.requestId,
        kind: request.payload.kind,
      });
      return;
    }
    const refusal = this.#refusal(request);
    if (refusal) {
      this.refused++;
      this.#d.log.warn('broker request refused', { requestId: request.requestId, reason: refusal });
      await this.#reply({ ...base(request), ok: false, code: 'REQUEST_REFUSED', message: refusal });
      return;
    }
    try {
      const result = await this.#run(request, deadline);
      this.served++;
      await this.#reply({ ...base(request), ok: true, result });
    } catch (error) {
      const ibCode = error instanceof IbRequestError ? error.ibCode : undefined;
      const code = error instanceof BrokerUnavailableError ? 'BROKER_UNAVAILABLE' : 'BROKER_ERROR';
      const message = error instanceof Error ? error.message : String(error);
      await this.#reply({ ...base(request), ok: false, code, message, ...(ibCode ? { ibCode } : {}) });
    }
  }

  /** Why this bridge must not serve the request, if it must not. */
  #refusal(request: BrokerRequest): string | undefined {
    if (this.#d.connectionId !== undefined && request.connectionId !== this.#d.connectionId)
      return `the request is for connection ${request.connectionId}, not this bridge's`;
    const accounts = this.#d.accounts();
    if (request.account !== undefined && accounts.length > 0 && !accounts.includes(request.account))
      return `account ${request.account} is not one of this connection's accounts`;
    return undefined;
  }

  async #reply(reply: BrokerReply): Promise<void> {
    try {
      await this.#d.replies.put(reply, BROKER_REPLY_TTL_SECONDS);
    } catch (error) {
      // The API times out and says so; nothing else waits on this reply.
      this.#d.log.warn('writing a broker reply failed', { requestId: reply.requestId, error: String(error) });
    }
  }

  async #run(request: BrokerRequest, deadline: number): Promise<unknown> {
    const p = request.payload;
    switch (p.kind) {
      case 'matching_symbols': {
        const reqId = this.#d.broker.requestId();
        const found = await this.#ask<ContractDescription[]>(reqId, deadline, {
          listen: (ib, done) => {
            const on = (id: number, list: ContractDescription[]) => id === reqId && done(list);
            ib.on(EventName.symbolSamples, on);
            return () => ib.off(EventName.symbolSamples, on);
          },
          start: (ib) => ib.reqMatchingSymbols(reqId, p.pattern),
        });
        return found.map(symbolMatchOf);
      }
      case 'contract_details': {
        const reqId = this.#d.broker.requestId();
        const found = await this.#ask<ContractDetails[]>(reqId, deadline, {
          listen: (ib, done) => {
            const items: ContractDetails[] = [];
            const onItem = (id: number, d: ContractDetails) => id === reqId && items.push(d);
            const onEnd = (id: number) => id === reqId && done(items);
            ib.on(EventName.contractDetails, onItem);
            ib.on(EventName.contractDetailsEnd, onEnd);
            return () => {
              ib.off(EventName.contractDetails, onItem);
              ib.off(EventName.contractDetailsEnd, onEnd);
            };
          },
          start: (ib) => ib.reqContractDetails(reqId, ibContractOf(p.contract)),
        });
        return found.map(instrumentDetailsOf);
      }
      case 'what_if':
        return this.#whatIf(request, p.contract, p.order, deadline);
    }
  }

  /** A what-if order: IB's openOrder for it carries the preview; nothing is placed. */
  async #whatIf(
    request: BrokerRequest,
    contract: Parameters<typeof ibContractOf>[0],
    order: Parameters<typeof whatIfIbOrder>[0],
    deadline: number,
  ): Promise<unknown> {
    // IB order ids must rise per client id, what-if or not: the allocator hands this one out too.
    const ticket = await this.#d.ids.next();
    const id = ticket.id;
    const broker = this.#d.broker;
    const answer = this.#ask<OpenOrderMessage>(id, deadline, {
      onBroker: (done) => {
        const on = (m: OpenOrderMessage) => m.orderId === id && done(m);
        broker.on('openOrder', on);
        return () => broker.off('openOrder', on);
      },
    });
    try {
      await ticket.send(() =>
        broker.placeOrder(
          id,
          ibContractOf(contract),
          whatIfIbOrder(order, request.account ?? this.#d.account, `whatif:${request.requestId}`),
        ),
      );
    } catch (error) {
      answer.catch(() => undefined);
      throw error;
    }
    return whatIfFiguresOf((await answer).state);
  }

  /**
   * Waits for a request's answer, an IB error for its id, the connection going down, or the
   * deadline. With `start`, sends the request (paced) after listening on that session's socket;
   * with `onBroker`, the caller sends and the answer comes as a bridge event.
   */
  #ask<T>(
    reqId: number,
    deadline: number,
    how:
      | {
          listen: (ib: IBApiInstance, done: (value: T) => void) => () => void;
          start: (ib: IBApiInstance) => void;
        }
      | { onBroker: (done: (value: T) => void) => () => void },
  ): Promise<T> {
    const broker = this.#d.broker;
    return new Promise<T>((resolve, reject) => {
      let unlisten = (): void => undefined;
      let finished = false;
      const finish = (error: Error | undefined, value?: T) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        unlisten();
        broker.off('orderError', onError);
        broker.off('down', onDown);
        if (error) reject(error);
        else resolve(value as T);
      };
      const onError = (id: number, code: number, message: string) => {
        if (id === reqId) finish(new IbRequestError(code, message));
      };
      const onDown = () => finish(new BrokerUnavailableError('connection lost during the request'));
      const timer = setTimeout(
        () => finish(new BrokerUnavailableError('the broker did not answer in time')),
        Math.max(0, deadline - Date.now()),
      );
      timer.unref();
      broker.on('orderError', onError);
      broker.on('down', onDown);
      const done = (value: T) => finish(undefined, value);
      if ('onBroker' in how) {
        unlisten = how.onBroker(done);
        return;
      }
      broker
        .send((ib) => {
          unlisten = how.listen(ib, done);
          how.start(ib);
        })
        .catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    });
  }
}

function base(request: BrokerRequest): { requestId: string; tenantId: string } {
  return { requestId: request.requestId, tenantId: request.tenantId };
}
