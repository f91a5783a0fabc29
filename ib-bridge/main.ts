/**
 * The bridge process (ECS task, or a child of `npm start`): configuration from the environment,
 * SIGTERM drains and exits. Prints `bridge health on port N` once listening.
 */
import { startBridge } from './bridge.ts';
import { configFromEnv } from './config.ts';
import { jsonLogger } from './log.ts';

const log = jsonLogger();
const config = configFromEnv();
const bridge = await startBridge(config, { log });
log.info(`bridge health on port ${bridge.health.port}`, {
  healthPort: bridge.health.port,
  broker: `${config.ib.host}:${config.ib.port}`,
  clientId: config.ib.clientId,
});

let exiting = false;
async function shutdown(signal: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  log.info(`${signal}: draining`);
  const force = setTimeout(() => process.exit(1), 25_000);
  force.unref();
  await bridge.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error: String(error) }));
