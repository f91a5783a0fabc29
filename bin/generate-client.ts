/**
 * Writes client/schema.d.ts, the typed client's types, from the OpenAPI document: the one the
 * code builds (default, no server needed) or, given a URL, the one a running stack serves.
 *
 *   npm run client:generate [-- http://localhost:8000/api/openapi.json]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { openApiDocument } from '../functions/docs/openapi.ts';

export const CLIENT_SCHEMA_PATH = fileURLToPath(new URL('../client/schema.d.ts', import.meta.url));

/** The TypeScript types of an OpenAPI document, exactly as committed in client/schema.d.ts. */
export async function clientTypes(document: object = openApiDocument()): Promise<string> {
  const ast = await openapiTS(structuredClone(document) as Parameters<typeof openapiTS>[0], {
    silent: true,
    alphabetize: false,
    // A default belongs to the server: the client may leave such a field out of a request.
    defaultNonNullable: false,
  });
  return COMMENT_HEADER + astToString(ast);
}

if (import.meta.main) {
  const url = process.argv[2];
  const document = url ? ((await (await fetch(url)).json()) as object) : openApiDocument();
  writeFileSync(CLIENT_SCHEMA_PATH, await clientTypes(document));
  console.log(`wrote ${CLIENT_SCHEMA_PATH}`);
}
