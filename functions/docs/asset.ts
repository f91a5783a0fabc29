import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NotFoundError } from '../../core/errors.ts';
import { httpHandler } from '../shared/http.ts';

/** The only files served: what the reference page loads. A Map, so `__proto__` names nothing. */
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

/**
 * In Lambda the files sit beside the bundle (the topology's `files`, copied at synth); run from
 * source they come from the installed package.
 */
function assetDir(): string {
  const here = import.meta.dirname;
  if (existsSync(join(here, 'swagger-ui-bundle.js'))) return here;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

let dir: string | undefined;
const cache = new Map<string, string>();

/** GET /api/docs/{asset}: Swagger UI's own files. */
export const handler = httpHandler(async (request) => {
  const name = request.path('asset');
  const type = ASSETS.get(name);
  if (!type) throw new NotFoundError('Asset', name);
  let text = cache.get(name);
  if (text === undefined) {
    dir ??= assetDir();
    text = await readFile(join(dir, name), 'utf8');
    cache.set(name, text);
  }
  return {
    status: 200,
    body: text,
    headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
  };
});
