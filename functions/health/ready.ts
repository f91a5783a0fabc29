import { checkConnections, checkDependencies } from '../../adapters/health.ts';
import { httpHandler, json } from '../shared/http.ts';

/**
 * Readiness for anyone (load balancers, uptime checks): only up or down per dependency and per
 * broker connection. Hosts, ports and error messages would map the deployment for an attacker;
 * the operator reads them at GET /health/ready/details. A connection that is down (a tenant's
 * gateway) does not make the platform not ready.
 */
export const handler = httpHandler(async () => {
  const [checks, connections] = await Promise.all([
    checkDependencies(),
    checkConnections().catch(() => ({})),
  ]);
  const ready = Object.values(checks).every((c) => c.ok);
  const upDown = (results: Record<string, { ok: boolean }>) =>
    Object.fromEntries(Object.entries(results).map(([name, c]) => [name, c.ok ? 'up' : 'down']));
  return json(ready ? 200 : 503, {
    status: ready ? 'ready' : 'not_ready',
    checks: upDown(checks),
    connections: upDown(connections),
  });
});
