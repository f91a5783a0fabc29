import { tradableInstrument } from '../../core/instruments/details.ts';
import { InstrumentNotFoundError } from '../../core/instruments/errors.ts';
import { instrumentDetails } from '../../core/instruments/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { instrumentDeps } from './deps.ts';

const MAX_CON_ID = 2 ** 31 - 1;

/** GET /api/v1/instruments/{conId} */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('marketdata:read');
  const raw = request.path('conId');
  const conId = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  // As for an order id: what cannot be an IB contract id names no contract, without asking IB.
  if (!(conId <= MAX_CON_ID)) throw new InstrumentNotFoundError(raw);
  const details = await instrumentDetails(instrumentDeps(), caller.tenantId, conId);
  return json(200, { ...details, tradable: tradableInstrument(details) !== undefined });
});
