/**
 * The API side of the broker channel on a virtual clock: the reply is read only under the asking
 * tenant and request id, a refusal becomes BROKER_REQUEST_FAILED, and silence BROKER_TIMEOUT
 * exactly when the configured wait has passed.
 */
import { describe, expect, it } from '@jest/globals';
import { askBroker, type BrokerAskDeps } from '../../../core/broker/service.ts';
import { BrokerRequestFailedError, BrokerTimeoutError } from '../../../core/broker/errors.ts';
import { brokerRequestConfig, DEFAULT_BROKER_REQUEST_WAIT_MS } from '../../../core/broker/config.ts';
import type { BrokerReply, BrokerRequest } from '../../../core/broker/model.ts';
import { brokerRequestOf } from '../../../ib-bridge/consumer.ts';

/** A virtual clock, the requests sent, and replies a "bridge" writes after `answerAfterMs`. */
function world(answer?: (request: BrokerRequest) => BrokerReply | undefined, answerAfterMs = 120) {
  let now = 1_000_000;
  const sent: BrokerRequest[] = [];
  const replies = new Map<string, BrokerReply>();
  const reads: string[] = [];
  const deps: BrokerAskDeps = {
    waitMs: 3000,
    pollMs: 50,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    newRequestId: () => '0b6f8a8e-4d59-4a3e-9f53-1a2b3c4d5e6f',
    channel: {
      send: async (request) => {
        sent.push(request);
      },
    },
    replies: {
      get: async (tenantId, requestId) => {
        reads.push(`${tenantId}/${requestId}`);
        const request = sent.find((r) => r.requestId === requestId);
        if (!request || now - Date.parse(request.expiresAt) + 3000 < answerAfterMs) return undefined;
        const reply = answer?.(request);
        if (reply) replies.set(`${reply.tenantId}/${reply.requestId}`, reply);
        return replies.get(`${tenantId}/${requestId}`);
      },
      put: async () => undefined,
    },
  };
  return { deps, sent, reads, elapsed: () => now - 1_000_000 };
}

const route = { tenantId: 't1', connectionId: 'cdemo' };

describe('askBroker', () => {
  it('sends one request on the route and returns the reply written for it', async () => {
    const w = world((r) => ({ requestId: r.requestId, tenantId: r.tenantId, ok: true, result: ['AAPL'] }));
    const result = await askBroker(w.deps, route, { kind: 'matching_symbols', pattern: 'AA' });
    expect(result).toEqual(['AAPL']);
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]).toMatchObject({
      type: 'broker_request',
      tenantId: 't1',
      connectionId: 'cdemo',
      payload: { kind: 'matching_symbols', pattern: 'AA' },
      expiresAt: new Date(1_000_000 + 3000).toISOString(),
    });
    expect(new Set(w.reads)).toEqual(new Set(['t1/0b6f8a8e-4d59-4a3e-9f53-1a2b3c4d5e6f']));
    expect(w.elapsed()).toBeLessThan(3000);
  });

  it('turns a refusal into BROKER_REQUEST_FAILED with IB’s code', async () => {
    const w = world((r) => ({
      requestId: r.requestId,
      tenantId: r.tenantId,
      ok: false,
      code: 'BROKER_ERROR',
      message: 'No security definition has been found for the request',
      ibCode: 200,
    }));
    const failure = askBroker(w.deps, route, { kind: 'contract_details', contract: { conId: 1 } });
    await expect(failure).rejects.toBeInstanceOf(BrokerRequestFailedError);
    await expect(failure).rejects.toMatchObject({ code: 'BROKER_REQUEST_FAILED', ibCode: 200 });
  });

  it('ignores a reply written for another tenant', async () => {
    const w = world((r) => ({ requestId: r.requestId, tenantId: 'someone-else', ok: true, result: 1 }));
    await expect(askBroker(w.deps, route, { kind: 'matching_symbols', pattern: 'A' })).rejects.toBeInstanceOf(
      BrokerTimeoutError,
    );
  });

  it('answers BROKER_TIMEOUT when the wait passes with no reply, and not before', async () => {
    const w = world(undefined);
    await expect(askBroker(w.deps, route, { kind: 'matching_symbols', pattern: 'A' })).rejects.toMatchObject({
      code: 'BROKER_TIMEOUT',
      details: { request: 'matching_symbols', waitMs: 3000 },
    });
    expect(w.elapsed()).toBe(3000);
  });
});

describe('the channel settings and messages', () => {
  it('waits 3 s unless configured, and refuses a malformed wait', () => {
    expect(brokerRequestConfig({}).waitMs).toBe(DEFAULT_BROKER_REQUEST_WAIT_MS);
    expect(brokerRequestConfig({ OMS_BROKER_REQUEST_WAIT_MS: '750' }).waitMs).toBe(750);
    expect(() => brokerRequestConfig({ OMS_BROKER_REQUEST_WAIT_MS: 'soon' })).toThrow(/milliseconds/);
  });

  it('tells a broker request from an order command on the shared queue', () => {
    const request = {
      type: 'broker_request',
      requestId: '0b6f8a8e-4d59-4a3e-9f53-1a2b3c4d5e6f',
      tenantId: 't1',
      connectionId: 'cdemo',
      expiresAt: '2026-12-02T03:00:00.000Z',
      payload: { kind: 'matching_symbols', pattern: 'AAPL' },
    };
    expect(brokerRequestOf(JSON.stringify(request))).toEqual(request);
    expect(brokerRequestOf(JSON.stringify({ kind: 'place', tenantId: 't1', orderId: 'o', version: 1 }))).toBe(
      undefined,
    );
    expect(brokerRequestOf(JSON.stringify({ ...request, payload: { kind: 'drop_tables' } }))).toBe(undefined);
  });
});
