/**
 * The local EventBridge: a PutEvents endpoint speaking the AWS JSON 1.1 protocol, so the real
 * `@aws-sdk/client-eventbridge` can publish to it, and a router delivering each accepted event to
 * the targets of the topology rules it matches, as EventBridge would.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RuleSpec } from '../../core/topology.ts';
import { compilePattern, type CompiledPattern } from './pattern.ts';

/** The event as EventBridge hands it to targets (and as rules match it). */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A rule as the router runs it: a topology rule (queue target) or the stream's fan-out (a handler, as a Lambda target). */
export interface RouterRule {
  name: string;
  description?: string;
  pattern: Record<string, unknown>;
  target: RuleSpec['target'] | { handler: string };
}

/** The few log lines the router writes; the local stack injects its own. */
export interface RouterLogger {
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface EventRouterOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  rules: RouterRule[];
  busName: string;
  deliver: (target: RouterRule['target'], event: EventEnvelope) => Promise<void>;
  region?: string;
  logger?: RouterLogger;
  /** Delivery attempts per target before giving up loudly (EventBridge retries for up to 24 h). */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles after each failure. */
  retryBaseDelayMs?: number;
}

export interface EventRouter {
  endpoint: string;
  port: number;
  /** Recently accepted events, oldest first (bounded, for tests). */
  published(): EventEnvelope[];
  /** Resolves once every delivery started so far has succeeded or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const ACCOUNT_ID = '000000000000';
/** PutEvents accepts at most this many entries per request. */
export const MAX_ENTRIES = 10;
/** PutEvents accepts at most this many bytes of entries per request, counted the AWS way. */
export const MAX_REQUEST_ENTRIES_BYTES = 256 * 1024;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const HISTORY_LIMIT = 1000;

interface EntryError {
  ErrorCode: string;
  ErrorMessage: string;
}
type ResultEntry = { EventId: string } | EntryError;

class AwsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = 'AwsError';
    this.type = type;
    this.status = status;
  }
}

const consoleLogger: RouterLogger = {
  warn: (message, data) => console.warn(`[event-router] ${message}`, data ?? ''),
  error: (message, data) => console.error(`[event-router] ${message}`, data ?? ''),
};

/** Starts the PutEvents endpoint; rule patterns are validated first, so a bad rule fails start-up. */
export async function startEventRouter(opts: EventRouterOptions): Promise<EventRouter> {
  const logger = opts.logger ?? consoleLogger;
  const region = opts.region ?? 'us-east-1';
  const maxAttempts = opts.maxAttempts ?? 5;
  const baseDelay = opts.retryBaseDelayMs ?? 200;
  const rules: Array<{ rule: RouterRule; pattern: CompiledPattern }> = opts.rules.map((rule) => ({
    rule,
    pattern: compilePattern(rule.pattern),
  }));
  const history: EventEnvelope[] = [];
  const pending = new Set<Promise<void>>();
  let closed = false;

  async function deliverWithRetry(rule: RouterRule, event: EventEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.deliver(rule.target, event);
        return;
      } catch (err) {
        if (attempt >= maxAttempts || closed) {
          // Where EventBridge would put the event on the rule's DLQ: say so loudly, with the event.
          logger.error('event delivery failed, giving up', {
            rule: rule.name,
            target: rule.target,
            attempts: attempt,
            error: err instanceof Error ? err.message : String(err),
            event,
          });
          return;
        }
        logger.warn('event delivery failed, retrying', { rule: rule.name, attempt, error: String(err) });
        await new Promise((r) => setTimeout(r, baseDelay * 2 ** (attempt - 1)));
      }
    }
  }

  function route(event: EventEnvelope): void {
    history.push(event);
    if (history.length > HISTORY_LIMIT) history.shift();
    for (const { rule, pattern } of rules) {
      if (!pattern.matches(event)) continue;
      const p = deliverWithRetry(rule, event).catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }

  function putEvents(input: unknown): { FailedEntryCount: number; Entries: ResultEntry[] } {
    const entries = isRecord(input) ? input.Entries : undefined;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
      );
    }
    if (entries.length > MAX_ENTRIES) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    const size = entries.reduce<number>((sum, e) => sum + entrySize(e), 0);
    if (size > MAX_REQUEST_ENTRIES_BYTES) {
      throw new AwsError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const now = new Date();
    const results = entries.map((entry): ResultEntry => {
      const built = buildEnvelope(entry, { busName: opts.busName, region, now });
      if ('ErrorCode' in built) return built;
      route(built);
      return { EventId: built.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  const server = createServer((req, res) => {
    handle(req, res, putEvents).catch((err: unknown) => {
      logger.error('request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalException', message: 'Internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    published: () => [...history],
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: async () => {
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([...pending]);
    },
  };
}

/** A `deliver` for queue targets: SQS SendMessage with the envelope JSON as the body, as EventBridge does. */
export function sqsDeliverer(
  sqs: SQSClient,
  queueUrls: Record<string, string>,
): EventRouterOptions['deliver'] {
  return async (target, event) => {
    if (!('queue' in target)) throw new Error(`No queue target in ${JSON.stringify(target)}`);
    const url = queueUrls[target.queue];
    if (url === undefined) throw new Error(`No queue URL for target queue "${target.queue}"`);
    const fifo = url.endsWith('.fifo');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify(event),
        // EventBridge takes the group id from the target's configuration and dedups on the event id.
        ...(fifo ? { MessageGroupId: event.source, MessageDeduplicationId: event.id } : {}),
      }),
    );
  };
}

// ---------------------------------------------------------------------------------------------

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  putEvents: (input: unknown) => unknown,
): Promise<void> {
  try {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      throw new AwsError(
        'UnknownOperationException',
        `${req.method ?? ''} ${req.url ?? ''} is not supported`,
        404,
      );
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target !== 'AWSEvents.PutEvents') {
      throw new AwsError(
        'UnknownOperationException',
        `Unsupported operation "${target}"; this endpoint serves AWSEvents.PutEvents only`,
      );
    }
    const body = await readBody(req);
    let input: unknown;
    try {
      input = JSON.parse(body.length === 0 ? '{}' : body);
    } catch {
      throw new AwsError('SerializationException', 'Request body is not valid JSON');
    }
    sendJson(res, 200, putEvents(input));
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    sendJson(res, err.status, { __type: err.type, message: err.message });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new AwsError(
            'ValidationException',
            'Total size of the entries in the request is over the limit.',
            413,
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  };
  if (isRecord(body) && typeof body.__type === 'string') headers['x-amzn-errortype'] = body.__type;
  res.writeHead(status, headers);
  res.end(text);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const utf8 = (s: unknown): number => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);

/** The entry size as the EventBridge guide computes it ("Calculating PutEvents event entry size"). */
export function entrySize(entry: unknown): number {
  if (!isRecord(entry)) return 0;
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) size += utf8(r);
  return size;
}

function invalid(param: string, reason: string): EntryError {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${param} is not valid. Reason: ${reason}` };
}

/** Accepts a bus name or a bus ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`). */
function busNameOf(nameOrArn: string): string {
  const i = nameOrArn.indexOf(':event-bus/');
  return nameOrArn.startsWith('arn:') && i >= 0 ? nameOrArn.slice(i + ':event-bus/'.length) : nameOrArn;
}

function buildEnvelope(
  entry: unknown,
  ctx: { busName: string; region: string; now: Date },
): EventEnvelope | EntryError {
  if (!isRecord(entry)) return invalid('Entry', 'Entry must be an object.');
  const bus = entry.EventBusName;
  if (bus !== undefined && bus !== null && bus !== '' && busNameOf(String(bus)) !== ctx.busName) {
    // Real EventBridge has been known to accept such events and drop them; locally we say so.
    return {
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: `Event bus ${String(bus)} does not exist.`,
    };
  }
  if (typeof entry.Source !== 'string' || entry.Source === '') {
    return invalid('Source', 'Source is a required argument.');
  }
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') {
    return invalid('DetailType', 'DetailType is a required argument.');
  }
  if (typeof entry.Detail !== 'string' || entry.Detail === '') {
    return invalid('Detail', 'Detail is a required argument.');
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r): r is string => typeof r === 'string')) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  const time = parseTime(entry.Time) ?? ctx.now;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: ACCOUNT_ID,
    // EventBridge's envelope time has whole seconds: 2017-12-22T18:43:48Z.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ctx.region,
    resources,
    detail,
  };
}

/** The SDK sends `Time` as epoch seconds; other clients may send ISO text. */
function parseTime(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string' && value !== '') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return undefined;
}
