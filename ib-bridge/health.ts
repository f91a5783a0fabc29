import http from 'node:http';

/** The Prometheus exposition of a process, or undefined when it writes EMF instead. */
export type Exposition = () => Promise<{ contentType: string; body: string } | undefined>;

export interface HealthServer {
  port: number;
  /** Serves `GET /metrics` from `exposition`. */
  serveMetrics(exposition: Exposition): void;
  close(): Promise<void>;
}

/**
 * `GET /health` (alive: the process serves) and `GET /health/ready` (broker connected and
 * reconciled, queue reachable), for the ECS health check and the local stack; `GET /metrics`
 * (Prometheus text) for a local scraper.
 */
export async function startHealthServer(
  port: number,
  status: () => { alive: boolean; ready: boolean; detail: Record<string, unknown> },
): Promise<HealthServer> {
  let exposition: Exposition | undefined;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics' && exposition) {
      exposition().then(
        (found) => {
          res.writeHead(found ? 200 : 404, { 'content-type': found?.contentType ?? 'text/plain' });
          res.end(found?.body ?? 'metrics are written as CloudWatch EMF\n');
        },
        () => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('metrics unavailable\n');
        },
      );
      return;
    }
    const s = status();
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { status: 'method_not_allowed' });
    if (path === '/health') return send(s.alive ? 200 : 503, { status: s.alive ? 'ok' : 'down' });
    if (path === '/health/ready')
      return send(s.ready ? 200 : 503, { status: s.ready ? 'ready' : 'not_ready', ...s.detail });
    return send(404, { status: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: address && typeof address === 'object' ? address.port : port,
    serveMetrics: (fn) => {
      exposition = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
