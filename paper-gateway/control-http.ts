/**
 * The control interface over HTTP (JSON, 127.0.0.1 only): the same operations as the in-process
 * PaperGatewayControl, for tests and tools that run the gateway as a separate process. Every
 * request must carry the gateway's token (`Authorization: Bearer <token>`), so that nothing
 * else on the machine can inject faults or move prices.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { parseInstant } from './clock.ts';
import { ControlError } from './errors.ts';
import type { QuoteUpdate } from './prices.ts';
import type {
  ManualOrderInput,
  PaperGatewayControl,
  RestartOptions,
  TradingHoursMode,
} from './server-types.ts';

type Body = Record<string, unknown>;
type Route = (control: PaperGatewayControl, body: Body, query: URLSearchParams) => unknown;

function num(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ControlError(`${name} must be a number`);
  return n;
}

function str(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new ControlError(`${name} is required`);
  return value;
}

const QUOTE_FIELDS = ['bid', 'ask', 'last', 'bidSize', 'askSize', 'lastSize'] as const;

/** The quote fields of a body (the symbol and anything else are not prices). */
function quoteUpdate(body: Body): QuoteUpdate {
  const update: QuoteUpdate = {};
  for (const key of QUOTE_FIELDS) {
    const value = num(body[key], key);
    if (value !== undefined) update[key] = value;
  }
  if (Object.keys(update).length === 0)
    throw new ControlError(`set-price needs one of ${QUOTE_FIELDS.join(', ')}`);
  return update;
}

/** Method and path → operation. */
export const ROUTES: Record<string, Route> = {
  'POST /drop-connections': (c, b) => ({ dropped: c.dropConnections(num(b.clientId, 'clientId')) }),
  'POST /connectivity-lost': (c) => c.connectivityLost(),
  'POST /connectivity-restored': (c, b) => c.connectivityRestored(b.dataLost === true),
  'POST /restart': (c, b) => c.restart(b as RestartOptions),
  'POST /omit-order-status': (c, b) => c.omitOrderStatus(num(b.count, 'count') ?? 1),
  'POST /delay-order-status': (c, b) =>
    c.delayOrderStatus(num(b.count, 'count') ?? 1, num(b.ms, 'ms') ?? 1000),
  'POST /reject-next-order': (c, b) =>
    c.rejectNextOrder(num(b.code, 'code'), typeof b.reason === 'string' ? b.reason : undefined),
  'POST /fill-while-pending-cancel': (c, b) => c.fillWhilePendingCancel(num(b.count, 'count') ?? 1),
  'POST /manual-order': (c, b) => c.enterManualOrder(b as unknown as ManualOrderInput),
  'POST /set-price': (c, b) => c.setPrice(str(b.symbol, 'symbol'), quoteUpdate(b)),
  'POST /step': (c, b) =>
    c.step(typeof b.symbol === 'string' ? b.symbol : undefined, num(b.count, 'count') ?? 1),
  'POST /trading-hours': (c, b) =>
    typeof b.mode === 'string'
      ? c.setTradingHoursMode(b.mode as TradingHoursMode)
      : c.setTradingHours(b.rth !== false),
  'GET /clock': (c) => c.clock(),
  'POST /clock': (c, b) => {
    if (b.advanceMs !== undefined) return c.advanceClock(num(b.advanceMs, 'advanceMs') ?? 0);
    const at = typeof b.at === 'string' || typeof b.at === 'number' ? parseInstant(b.at) : undefined;
    if (at === undefined) throw new ControlError('at (ISO date-time or epoch ms) or advanceMs is required');
    return c.setClock(at);
  },
  'POST /end-session': (c) => c.endSession(),
  'GET /quote': (c, _b, q) => c.quote(str(q.get('symbol') ?? '', 'symbol')),
  'GET /placements': (c) => c.placements(),
  'GET /placements-by-order-ref': (c) => c.placementsByOrderRef(),
  'GET /orders': (c) => c.orders(),
  'GET /executions': (c) => c.executions(),
  'GET /positions': (c) => c.positions(),
  'GET /account-summary': (c) => c.accountSummary(),
  'GET /pacing-violations': (c) => c.pacingViolations(),
  'GET /message-count': (c, _b, q) => ({ count: c.messageCount(num(q.get('clientId'), 'clientId')) }),
  'GET /clients': (c) => c.clients(),
};

async function readBody(req: http.IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new ControlError('request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ControlError('body must be a JSON object');
    return parsed as Body;
  } catch (error) {
    if (error instanceof ControlError) throw error;
    throw new ControlError('body is not JSON', { cause: error });
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? { ok: true });
  res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' });
  res.end(text);
}

/** Whether the request carries the token, compared in constant time. */
function authorized(req: http.IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Starts the HTTP control server; resolves once it listens. */
export async function startControlServer(
  control: PaperGatewayControl,
  host: string,
  port: number,
  token: string,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!authorized(req, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="paper-gateway"');
      reply(res, 401, {
        title: 'Unauthorized',
        detail:
          'the control interface needs "Authorization: Bearer <token>"; the token is printed at start and written next to the state file',
      });
      return;
    }
    const route = ROUTES[`${req.method ?? 'GET'} ${url.pathname}`];
    if (!route) {
      reply(res, 404, {
        title: 'Not Found',
        detail: `no control operation ${req.method} ${url.pathname}`,
        operations: Object.keys(ROUTES),
      });
      return;
    }
    readBody(req)
      .then(async (body) => reply(res, 200, await route(control, body, url.searchParams)))
      .catch((error: unknown) => {
        const known = error instanceof ControlError;
        reply(res, known ? 400 : 500, {
          title: known ? 'Bad Request' : 'Internal Error',
          detail: error instanceof Error ? error.message : String(error),
        });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
