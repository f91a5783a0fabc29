import { checkDependencies } from '../../adapters/health.ts';
import { httpHandler, json } from '../shared/http.ts';

/** Readiness: the table, the orders queue and the broker connection are reachable. */
export const handler = httpHandler(async () => {
  const checks = await checkDependencies();
  const ready = Object.values(checks).every((c) => c.ok);
  return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
});
