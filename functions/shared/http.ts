import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { ROLES, SCOPES, type Caller, type Role, type Scope, authorize } from '../../core/access/caller.ts';
import { logger } from './observability.ts';
import { problem, problemFor, type Problem } from './problems.ts';
import { zodIssues } from '../../core/validation.ts';
import {
  CredentialRejectedError,
  RateLimitExceededError,
  AUTH_FAILURES,
  type AuthFailure,
} from '../../core/access/errors.ts';
import { DependencyError } from '../../core/errors.ts';
import { TenantSuspendedError } from '../../core/tenancy/errors.ts';
import { checkJsonShape } from './json-limits.ts';
import '../auth/problems.ts';

/** What a route handler returns; the wrapper turns it into an API Gateway result. */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The event as API Gateway HTTP API (payload v2) delivers it with a Lambda authorizer's context. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: Record<string, unknown> };
  };
};

/** Throws the error the authorizer recorded in its context (see docs/security.md), if any. */
function rejectedByAuthorizer(ctx: Record<string, unknown> | undefined): void {
  const code = ctx?.authError;
  if (typeof code !== 'string' || code === '') return;
  const message = typeof ctx?.authMessage === 'string' ? ctx.authMessage : 'The credential was refused';
  if (code === 'RATE_LIMITED') {
    throw new RateLimitExceededError(
      String(ctx?.ratePolicy ?? 'default'),
      Number(ctx?.rateLimit ?? 0),
      Number(ctx?.rateWindow ?? 60),
      Math.max(1, Number(ctx?.retryAfter ?? 1)),
    );
  }
  if (code === 'UNAVAILABLE') throw new DependencyError(message);
  if (code === 'TENANT_SUSPENDED') throw new TenantSuspendedError(String(ctx?.tenantId ?? ''));
  const reason: AuthFailure = (AUTH_FAILURES as readonly string[]).includes(code)
    ? (code as AuthFailure)
    : 'INVALID_TOKEN';
  throw new CredentialRejectedError(reason, message);
}

/** A client's `x-request-id` is kept when it is a plain token of reasonable length. */
const CLIENT_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/**
 * The request's correlation id: the caller's `x-request-id` when it sent a usable one, else the
 * gateway's request id. It names the request in logs, on the order, its queue message, its
 * events, webhook deliveries and stream messages.
 */
export function correlationIdOf(event: Pick<HttpEvent, 'headers' | 'requestContext'>): string {
  const sent = event.headers?.['x-request-id'];
  return sent && CLIENT_REQUEST_ID.test(sent) ? sent : event.requestContext.requestId;
}

/** A parsed view of the request, so handlers read input only through validation. */
export class HttpRequest {
  readonly event: HttpEvent;
  readonly requestId: string;
  /** See correlationIdOf. */
  readonly correlationId: string;

  constructor(event: HttpEvent) {
    this.event = event;
    this.requestId = event.requestContext.requestId;
    this.correlationId = correlationIdOf(event);
  }

  /** The authenticated caller, from the authorizer's context. */
  caller(): Caller {
    const ctx = this.event.requestContext.authorizer?.lambda;
    // The authorizer allows every request and reports refusals here, so they become problem+json.
    rejectedByAuthorizer(ctx);
    const tenantId = ctx?.tenantId;
    const principal = ctx?.principal;
    const kind = ctx?.kind;
    if (typeof tenantId !== 'string' || typeof principal !== 'string' || typeof kind !== 'string') {
      throw new CredentialRejectedError(
        'MISSING_CREDENTIALS',
        'Send Authorization: Bearer <access token> or x-api-key',
      );
    }
    const words = (value: unknown) => (typeof value === 'string' && value ? value.split(' ') : []);
    return {
      tenantId,
      principal,
      kind: kind as Caller['kind'],
      roles: words(ctx?.roles).filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
      scopes: words(ctx?.scopes).filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    };
  }

  /** The caller, after checking it holds `scope`. */
  authorized(scope: Scope): Caller {
    const caller = this.caller();
    authorize(caller, scope);
    return caller;
  }

  /** Header value by case-insensitive name. */
  header(name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(this.event.headers ?? {})) {
      if (key.toLowerCase() === wanted) return value;
    }
    return undefined;
  }

  /** A path parameter the route declares. */
  path(name: string): string {
    const value = this.event.pathParameters?.[name];
    if (value === undefined || value === '') throw new ValidationError(`Missing path parameter ${name}`);
    return value;
  }

  /** The query string, validated. */
  query<S extends z.ZodType>(schema: S): z.output<S> {
    const parsed = schema.safeParse(this.event.queryStringParameters ?? {});
    if (!parsed.success) {
      throw new ValidationError('Invalid query parameters', zodIssues(parsed.error, 'query'));
    }
    return parsed.data;
  }

  /** The JSON body, validated. */
  body<S extends z.ZodType>(schema: S): z.output<S> {
    const parsed = schema.safeParse(this.json());
    if (!parsed.success) throw new ValidationError('Invalid request body', zodIssues(parsed.error, 'body'));
    return parsed.data;
  }

  /** The raw JSON body (an empty body reads as `{}`). */
  json(): unknown {
    const raw = this.event.body;
    if (raw === undefined || raw === null || raw === '') return {};
    const contentType = this.header('content-type') ?? 'application/json';
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
      throw new ValidationError(`Unsupported content type ${contentType}; send application/json`);
    }
    const text = this.event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    // Size and nesting are checked on the text: a hostile body never reaches the parser or zod.
    checkJsonShape(text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ValidationError('The body is not valid JSON');
    }
  }
}

/** Builds a JSON result. */
export function json(status: number, body: unknown, headers?: Record<string, string>): HttpResult {
  return headers === undefined ? { status, body } : { status, body, headers };
}

function toResult(result: HttpResult, requestId: string): APIGatewayProxyStructuredResultV2 {
  const isProblem = result.status >= 400;
  const headers: Record<string, string> = {
    'content-type': isProblem ? 'application/problem+json' : 'application/json',
    // API answers are per caller and may carry tokens or secrets: no cache keeps them unless a
    // route says otherwise (the docs' static assets).
    'cache-control': 'no-store',
    'x-request-id': requestId,
    ...result.headers,
  };
  if (result.body === undefined) return { statusCode: result.status, headers };
  const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  return { statusCode: result.status, headers, body };
}

/** Turns any error into a problem result; unexpected errors are logged and never leak details. */
export function errorResult(error: unknown, requestId: string): HttpResult {
  const mapped = problemFor(error);
  if (mapped) {
    if (mapped.problem.status >= 500) logger.error('Dependency failure', { error: error as Error });
    else logger.info('Request refused', { code: mapped.problem.code, status: mapped.problem.status });
    return {
      status: mapped.problem.status,
      body: { ...mapped.problem, instance: requestId },
      headers: mapped.headers,
    };
  }
  logger.error('Unhandled error', { error: error as Error });
  const body: Problem = {
    ...problem(
      500,
      'INTERNAL',
      'Internal error',
      'The request failed; it is safe to retry with the same Idempotency-Key',
    ),
    instance: requestId,
  };
  return { status: 500, body };
}

/** Wraps a route: logging with the request id as correlation id, and problem+json for every error. */
export function httpHandler(fn: (request: HttpRequest) => Promise<HttpResult>) {
  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const requestId = correlationIdOf(event);
      logger.setCorrelationId(requestId);
      let result: APIGatewayProxyStructuredResultV2;
      try {
        // Fail closed: a refused credential stops the request even if the handler never asks for the caller.
        rejectedByAuthorizer(event.requestContext.authorizer?.lambda);
        result = toResult(await fn(new HttpRequest(event)), requestId);
      } catch (error) {
        result = toResult(errorResult(error, requestId), requestId);
      }
      logger.info('Request handled', {
        method: event.requestContext.http.method,
        route: event.routeKey,
        status: result.statusCode,
      });
      return result;
    });
}
