import { checkDependencies } from '../../adapters/health.ts';
import { httpHandler, json } from '../shared/http.ts';

/**
 * Readiness for anyone (load balancers, uptime checks): only up or down per dependency. Hosts,
 * ports and error messages would map the deployment for an attacker; the operator reads them at
 * GET /health/ready/details.
 */
export const handler = httpHandler(async () => {
  const checks = await checkDependencies();
  const ready = Object.values(checks).every((c) => c.ok);
  const states = Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, c.ok ? 'up' : 'down']));
  return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: states });
});
