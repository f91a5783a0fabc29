import { httpHandler, json } from '../shared/http.ts';

/** Liveness: the process answers. */
export const handler = httpHandler(async () => json(200, { status: 'ok' }));
