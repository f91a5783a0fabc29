/**
 * `npm start`: the whole OMS on this machine, no AWS account and no Docker.
 * Reads OMS_PORT (default 8000) and OMS_DATA_DIR (default .oms in the project).
 */
import { resolve } from 'node:path';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { JavaMissingError } from '../local/dynamodb.ts';
import { projectRoot } from '../local/lambda.ts';
import { seedDemo } from '../local/identity/seed.ts';
import { seedDemoConnection, seedSecondDemoConnection } from '../local/seed-connection.ts';
import { DynamoConnectionStore } from '../adapters/dynamodb/connection-store.ts';
import { TenancyStore } from '../adapters/dynamodb/tenancy-store.ts';
import { ensureConsoleBuilt } from '../local/console-build.ts';

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
// A closed terminal: DynamoDB Local is in its own process group, so it is stopped here too.
process.on('SIGHUP', () => void shutdown('SIGHUP'));

try {
  log(`starting (data dir ${dataDir})`);
  // The console builds (when stale) while the emulators start; a failed build leaves the API up.
  const consoleBuild = ensureConsoleBuilt(projectRoot, log).catch((error: unknown) => {
    log(`console          build failed, not served: ${String(error)}`);
    return false;
  });
  stack = await startLocalStack({ port, dataDir, log });
  const running = stack as LocalStack & { paperGateway?: { host: string; port: number } };
  const demo = await seedDemo({
    store: TenancyStore.fromEnvironment(),
    provider: stack.identity.provider,
    dataDir,
    baseUrl: stack.baseUrl,
    paperGateway: running.paperGateway ?? {
      host: process.env.IB_HOST ?? '127.0.0.1',
      port: Number(process.env.PAPER_GATEWAY_PORT ?? 4002),
    },
  });
  const connectionStore = new DynamoConnectionStore(stack.identity.provider.options.doc, stack.tableName);
  await seedDemoConnection(connectionStore);
  const secondConnection = await seedSecondDemoConnection(connectionStore);
  // Its connection.created event would start it too; started here, it is listed just below.
  await stack.connections?.ensure(secondConnection.connectionId);
  // Each connection's gateway and control token, beside the demo users.
  stack.connections?.writeCredentials(resolve(dataDir, 'demo-credentials.json'));
  const consoleServed = await consoleBuild;
  log('');
  log(`ready: ${stack.baseUrl}`);
  if (consoleServed) log(`  web console ${stack.baseUrl}/`);
  log(`  curl ${stack.baseUrl}/health`);
  log(`demo tenant "${demo.tenant}" (credentials in ${resolve(dataDir, 'demo-credentials.json')}):`);
  for (const user of demo.users) log(`  ${user.role.padEnd(8)} ${user.username} / ${user.password}`);
  for (const other of demo.tenants.slice(1)) {
    const account =
      secondConnection.connectionId === other.connection ? secondConnection.accounts[0] : undefined;
    log(
      `demo tenant "${other.tenant}" (its own paper connection ${other.connection}${account ? `, account ${account}` : ''}):`,
    );
    for (const user of other.users) log(`  ${user.role.padEnd(8)} ${user.username} / ${user.password}`);
  }
  log(`platform operator (every tenant and connection):`);
  log(`  operator ${demo.operator.username} / ${demo.operator.password}`);
  if (stack.paperGateway) {
    const kind = stack.paperGatewayServer ? 'paper gateway' : 'IB gateway';
    log(
      `${kind} ${stack.paperGateway.host}:${stack.paperGateway.port}; IB bridge running as a child process (restarted if it dies)`,
    );
  }
  const trader = demo.users.find((u) => u.role === 'trader') ?? demo.users[0];
  log('try:');
  log(
    `  TOKEN=$(curl -s ${stack.baseUrl}/api/v1/auth/login -H 'content-type: application/json' ` +
      `-d '${JSON.stringify({ username: trader?.username, password: trader?.password })}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`,
  );
  log(`  curl -s ${stack.baseUrl}/api/v1/tenants/me -H "authorization: Bearer $TOKEN"`);
  // A limit order a little through the paper market fills at once (a market order needs a quote:
  // subscribe first, see docs/api-v1.md), then the position shows it.
  const aapl = stack.paperGatewayServer?.control.quote('AAPL');
  if (aapl) {
    const order = {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '10',
      type: 'limit',
      limitPrice: (aapl.ask * 1.01).toFixed(2),
    };
    log(
      `  curl -s ${stack.baseUrl}/api/v1/orders -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' ` +
        `-H "idempotency-key: $(date +%s%N)" -d '${JSON.stringify(order)}'`,
    );
    log(`  curl -s ${stack.baseUrl}/api/v1/positions -H "authorization: Bearer $TOKEN"`);
  }
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
