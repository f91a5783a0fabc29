import { createReadStream, statSync } from 'node:fs';
import type http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// What CloudFront's response headers policy sends in AWS (lib/constructs/console.ts).
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Paths the console never answers, so API and health errors stay problem+json. */
const RESERVED = /^\/(api|health|metrics)(\/|$)/;

function fileAt(path: string): { size: number } | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? { size: stat.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the built console (console/dist) the way S3 and CloudFront do in AWS: its files with
 * their content types, and index.html for any other page path, so the single-page app's own
 * routes load on a refresh. Returns false when it does not answer (the caller sends its 404).
 */
export function consoleFiles(dir: string) {
  return (method: string, path: string, res: http.ServerResponse): boolean => {
    if ((method !== 'GET' && method !== 'HEAD') || RESERVED.test(path)) return false;
    const index = join(dir, 'index.html');
    if (!fileAt(index)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    // Dot files (the build stamp) are not the site's.
    if (decoded.split('/').some((segment) => segment.startsWith('.'))) return false;
    const candidate = normalize(join(dir, decoded));
    const inside = candidate === dir || candidate.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    let file = inside ? candidate : undefined;
    let stat = file ? fileAt(file) : undefined;
    if (!stat) {
      // A missing asset is a 404; a page path (no extension) gets the app.
      if (extname(decoded) !== '') return false;
      file = index;
      stat = fileAt(index);
    }
    if (!file || !stat) return false;
    const immutable = file.startsWith(join(dir, 'assets') + sep);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(stat.size),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    if (method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
