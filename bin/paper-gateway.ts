/**
 * Runs the paper gateway alone: `npm run paper-gateway`.
 * PAPER_GATEWAY_PORT (default 4002), PAPER_GATEWAY_CONTROL_PORT (default a free port),
 * PAPER_GATEWAY_SEED, PAPER_GATEWAY_STATE_FILE, PAPER_GATEWAY_TICK_MS, PAPER_GATEWAY_ACCOUNT,
 * PAPER_GATEWAY_CONTROL_TOKEN (default a fresh random token, printed at start and written beside
 * the state file), PAPER_GATEWAY_CLOCK_START (ISO date-time), PAPER_GATEWAY_TRADING_HOURS
 * ('always' or 'exchange').
 */
import { MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION, startPaperGateway } from '../paper-gateway/index.ts';

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const gateway = await startPaperGateway({
  host: '127.0.0.1',
  port: intFromEnv('PAPER_GATEWAY_PORT') ?? 4002,
  controlPort: intFromEnv('PAPER_GATEWAY_CONTROL_PORT') ?? 0,
  seed: intFromEnv('PAPER_GATEWAY_SEED') ?? 1,
  tickIntervalMs: intFromEnv('PAPER_GATEWAY_TICK_MS') ?? 1000,
  account: process.env.PAPER_GATEWAY_ACCOUNT || undefined,
  stateFile: process.env.PAPER_GATEWAY_STATE_FILE || undefined,
  controlToken: process.env.PAPER_GATEWAY_CONTROL_TOKEN || undefined,
  clockStart: process.env.PAPER_GATEWAY_CLOCK_START || undefined,
  tradingHours: process.env.PAPER_GATEWAY_TRADING_HOURS === 'exchange' ? 'exchange' : 'always',
  log: (line) => console.log(line),
});

console.log(
  `paper gateway (TWS API server versions ${MIN_SUPPORTED_VERSION}..${MAX_SUPPORTED_VERSION}) listening on ${gateway.host}:${gateway.port}`,
);
console.log(
  `control interface on http://${gateway.host}:${gateway.controlPort}/ (e.g. GET /orders, POST /step)`,
);
console.log(
  `control token: ${gateway.controlToken} (send "Authorization: Bearer <token>"${gateway.controlTokenFile ? `; also in ${gateway.controlTokenFile}` : ''})`,
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the paper gateway`);
  await gateway.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
