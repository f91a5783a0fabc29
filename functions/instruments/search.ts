import { InstrumentSearchQuery, searchInstruments } from '../../core/instruments/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { instrumentDeps } from './deps.ts';

/** GET /api/v1/instruments?query=&secType= */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('marketdata:read');
  const query = request.query(InstrumentSearchQuery);
  return json(200, await searchInstruments(instrumentDeps(), caller.tenantId, query));
});
