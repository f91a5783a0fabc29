import { authorizeOperator } from '../../core/access/caller.ts';
import { checkConnections, checkDependencies } from '../../adapters/health.ts';
import { httpHandler, json } from '../shared/http.ts';

/** GET /health/ready/details (platform operator): each dependency's and connection's state with what it reported. */
export const handler = httpHandler(async (request) => {
  authorizeOperator(request.caller());
  const [checks, connections] = await Promise.all([checkDependencies(), checkConnections()]);
  const ready = Object.values(checks).every((c) => c.ok);
  return json(200, { status: ready ? 'ready' : 'not_ready', checks, connections });
});
