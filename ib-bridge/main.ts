/**
 * The bridge process (ECS task, or a child of `npm start`): configuration from the environment,
 * SIGTERM drains and exits. Prints `bridge health on port N` once listening.
 */
import { startBridge, type Bridge } from './bridge.ts';
import { configFromEnv } from './config.ts';
import { jsonLogger } from './log.ts';

const log = jsonLogger();
let exiting = false;
let bridge: Bridge | undefined;

async function shutdown(signal: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  // Still waiting for the connection's lease: nothing to drain, the wait ends and the process exits.
  if (!bridge) return;
  log.info(`${signal}: draining`);
  const force = setTimeout(() => process.exit(1), 25_000);
  force.unref();
  await bridge.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error: String(error) }));

try {
  bridge = await startBridge(configFromEnv(), {
    log,
    cancelled: () => exiting,
    // Another bridge holds the connection now: exit, and let ECS (or the supervisor) start one that waits.
    onLeaseLost: () => process.exit(1),
  });
} catch (error) {
  log.error('bridge failed to start', { error: String(error) });
  process.exit(exiting ? 0 : 1);
}
const { config, health } = bridge;
log.info(`bridge health on port ${health.port}`, {
  healthPort: health.port,
  broker: `${config.ib.host}:${config.ib.port}`,
  clientId: config.ib.clientId,
  ...(config.connectionId ? { connectionId: config.connectionId } : {}),
});
if (exiting) await bridge.stop().then(() => process.exit(0));
