/**
 * `npm start`: the whole OMS on this machine, no AWS account and no Docker.
 * Reads OMS_PORT (default 8000) and OMS_DATA_DIR (default .oms in the project).
 */
import { resolve } from 'node:path';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { JavaMissingError } from '../local/dynamodb.ts';
import { projectRoot } from '../local/lambda.ts';

const port = Number(process.env.OMS_PORT ?? 8000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`OMS_PORT must be a port number, not ${JSON.stringify(process.env.OMS_PORT)}`);
  process.exit(2);
}
const dataDir = resolve(projectRoot, process.env.OMS_DATA_DIR ?? '.oms');
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const log = (line: string) => console.log(`[oms] ${line}`);
let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping…`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await stack?.stop();
  log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  log(`starting (data dir ${dataDir})`);
  stack = await startLocalStack({ port, dataDir, log });
  log('');
  log(`ready: ${stack.baseUrl}`);
  log(`  curl ${stack.baseUrl}/health`);
  log('Ctrl-C stops everything.');
} catch (error) {
  if (
    error instanceof JavaMissingError ||
    (error instanceof Error && /already in use|Cannot listen/.test(error.message))
  ) {
    console.error(`\n[oms] cannot start: ${error.message}\n`);
  } else {
    console.error('\n[oms] cannot start:', error);
  }
  process.exit(1);
}
