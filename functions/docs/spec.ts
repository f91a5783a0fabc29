import { httpHandler, json } from '../shared/http.ts';
import { openApiDocument } from './openapi.ts';

/** GET /api/openapi.json */
export const handler = httpHandler(async () =>
  json(200, openApiDocument(), { 'cache-control': 'public, max-age=300' }),
);
