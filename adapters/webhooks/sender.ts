/**
 * Outbound webhook HTTP. The destination is resolved once, every address is checked, and the
 * connection goes to the checked address (the `lookup` hook) while Host and SNI keep the name, so a
 * DNS answer that changes between check and connect (rebinding) cannot redirect the request.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  checkResolved,
  checkUrlShape,
  type DestinationPolicy,
  type WebhookTarget,
} from '../../core/webhooks/ssrf.ts';
import type { SendResult, UrlGuard, WebhookSender } from '../../core/webhooks/ports.ts';

/** Resolves a host name to every address it has; injectable so tests can make DNS lie. */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = async (host) => dnsLookup(host, { all: true, verbatim: true });

export interface SenderOptions {
  policy: DestinationPolicy;
  timeoutMs: number;
  resolver?: Resolver;
  /** Response bytes read before the body is dropped; receivers only need to answer 2xx. */
  maxResponseBytes?: number;
}

/** A checked destination: the target and the address to connect to. */
export async function resolveTarget(
  url: string,
  policy: DestinationPolicy,
  resolver: Resolver,
): Promise<{ target: WebhookTarget; address: string; family: number } | { refused: string }> {
  const shape = checkUrlShape(url, policy);
  if ('refused' in shape) return shape;
  const { target } = shape;
  let addresses: Array<{ address: string; family: number }>;
  if (target.literal) {
    addresses = [{ address: target.literal, family: target.literal.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver(target.host);
    } catch (error) {
      return {
        refused: `${target.host} does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      };
    }
  }
  const refused = checkResolved(
    target,
    addresses.map((a) => a.address),
    policy,
  );
  if (refused !== undefined) return { refused };
  const first = addresses[0]!;
  return { target, address: first.address, family: first.family };
}

/** The subscription-time check. */
export function urlGuard(policy: DestinationPolicy, resolver: Resolver = systemResolver): UrlGuard {
  return {
    check: async (url) => {
      const r = await resolveTarget(url, policy, resolver);
      return 'refused' in r ? r.refused : undefined;
    },
  };
}

/** The delivery-time sender: checks again, then POSTs to the checked address. */
export function httpSender(opts: SenderOptions): WebhookSender {
  const resolver = opts.resolver ?? systemResolver;
  const maxBytes = opts.maxResponseBytes ?? 64 * 1024;
  return {
    send: async (url, headers, body) => {
      const started = performance.now();
      const resolved = await resolveTarget(url, opts.policy, resolver);
      if ('refused' in resolved) {
        return {
          ok: false,
          refused: true,
          error: `refused: ${resolved.refused}`,
          durationMs: performance.now() - started,
        };
      }
      const { target, address, family } = resolved;
      const pinned: LookupFunction = (_host, options, callback) => {
        if ((options as { all?: boolean }).all)
          (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
            { address, family },
          ]);
        else callback(null, address, family);
      };
      const client = target.url.protocol === 'https:' ? https : http;
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        const finish = (r: Omit<SendResult, 'durationMs'>) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ ...r, durationMs: performance.now() - started });
        };
        const req = client.request(
          {
            protocol: target.url.protocol,
            hostname: target.host,
            port: target.url.port || undefined,
            path: `${target.url.pathname}${target.url.search}`,
            method: 'POST',
            headers: {
              ...headers,
              'content-length': String(Buffer.byteLength(body)),
              'user-agent': 'oms-webhooks/1',
            },
            lookup: pinned,
            agent: false,
            // SNI and certificate checks use the name, not the pinned address.
            ...(target.url.protocol === 'https:' && !target.literal ? { servername: target.host } : {}),
          },
          (res) => {
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > maxBytes) res.destroy();
            });
            const done = () => {
              const status = res.statusCode ?? 0;
              finish(
                status >= 200 && status < 300
                  ? { ok: true, statusCode: status }
                  : { ok: false, statusCode: status, error: `HTTP ${status}` },
              );
            };
            res.on('end', done);
            res.on('close', done);
            res.on('error', done);
          },
        );
        const timer = setTimeout(() => {
          req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`));
        }, opts.timeoutMs);
        req.on('error', (error) => finish({ ok: false, error: error.message }));
        req.end(body);
      });
    },
  };
}
