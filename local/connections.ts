/**
 * The local control plane for broker connections: what the provisioner state machine and ECS do in
 * AWS. For every connection (at start from listAll(), then on connection.created / deleted) it
 * creates the connection's queue and DLQ in the SQS emulator and runs one supervised bridge; for a
 * `paper` connection it first starts a paper gateway of its own (its own account id and control
 * token). The demo connection uses the stack's own paper gateway.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEMO_CONNECTION_ID, type Connection } from '../core/connections/model.ts';
import type { ConnectionStore } from '../core/connections/ports.ts';
import { connectionQueue } from '../core/topology.ts';
import { startPaperGateway, type PaperGateway } from '../paper-gateway/index.ts';
import { ensureQueue } from './provision.ts';
import { superviseBridge, type SupervisedBridge } from './supervisor.ts';

/** A running connection, as demo-credentials.json lists it. */
export interface RunningConnection {
  id: string;
  account: string | undefined;
  paperGateway?: { host: string; port: number; controlUrl: string; controlToken: string };
}

export interface LocalConnectionsOptions {
  sqs: SQSClient;
  store: Pick<ConnectionStore, 'get' | 'listAll' | 'reportRuntime'>;
  projectRoot: string;
  /** Environment every bridge child gets on top of the stack's (resources, secrets blanked). */
  bridgeEnv: Record<string, string>;
  log?: (line: string) => void;
  /** Paper gateways keep their state under `<dataDir>/connections/<id>/`; omitted: in memory. */
  dataDir?: string;
  /** The stack's own paper gateway, which the demo connection uses. */
  demoGateway?: PaperGateway;
  /** Paper gateways' price ticks (tests pass 0 and step prices themselves). */
  tickIntervalMs?: number;
}

interface Runtime {
  connection: Connection;
  gateway?: PaperGateway;
  /** A gateway this provisioner started (closed when the connection goes); not the demo's. */
  ownsGateway: boolean;
  /** The paper gateway's account. */
  account?: string;
  bridge?: SupervisedBridge;
}

/** The paper account id of a connection: `DU` and seven digits derived from its id. */
export function paperAccountId(connectionId: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(connectionId).digest('hex').slice(0, 12)}`);
  return `DU${String((digits % 9_000_000n) + 1_000_000n)}`;
}

export class LocalConnections {
  readonly #o: LocalConnectionsOptions;
  readonly #running = new Map<string, Runtime>();
  /** One change at a time per connection: an event and the start-up reconciliation may meet. */
  readonly #chains = new Map<string, Promise<unknown>>();
  #stopped = false;

  constructor(options: LocalConnectionsOptions) {
    this.#o = options;
  }

  /** Starts what every stored connection needs (a missed event heals here). */
  async reconcile(): Promise<void> {
    const all = await this.#o.store.listAll();
    await Promise.all(all.map((c) => this.ensure(c.connectionId)));
  }

  /** A connection.* event from the bus. */
  async onEvent(event: { 'detail-type': string; detail: unknown }): Promise<void> {
    const connectionId = (event.detail as { connectionId?: unknown } | undefined)?.connectionId;
    if (typeof connectionId !== 'string') return;
    if (event['detail-type'] === 'connection.created') await this.ensure(connectionId);
    if (event['detail-type'] === 'connection.deleted') await this.remove(connectionId);
  }

  /** The queue, gateway and bridge of one connection (idempotent). */
  ensure(connectionId: string): Promise<void> {
    return this.#serial(connectionId, async () => {
      if (this.#stopped || this.#running.get(connectionId)?.bridge) return;
      const connection = await this.#o.store.get(connectionId);
      if (!connection) return;
      await ensureQueue(this.#o.sqs, connectionQueue(connectionId));
      const runtime: Runtime = { connection, ownsGateway: false };
      this.#running.set(connectionId, runtime);
      if (connection.gateway.kind === 'managed') {
        // The managed gateway is a container beside the bridge in AWS; locally there is none.
        await this.#o.store.reportRuntime(connectionId, {
          status: 'error',
          lastError: {
            code: 'MANAGED_GATEWAY_NOT_LOCAL',
            message: 'A managed IB Gateway runs only in AWS; use "paper" or an external gateway locally',
            at: new Date().toISOString(),
          },
        });
        return;
      }
      if (connection.gateway.kind === 'paper') await this.#startGateway(runtime);
      runtime.bridge = superviseBridge({
        projectRoot: this.#o.projectRoot,
        env: {
          ...this.#o.bridgeEnv,
          OMS_CONNECTION_ID: connectionId,
          BRIDGE_HEALTH_PORT: '0',
          // The stack drains the outbox once; a drainer per bridge would publish events twice.
          BRIDGE_DRAIN_OUTBOX: 'false',
          ...(connectionId === DEMO_CONNECTION_ID ? { BRIDGE_INHERITS_SINGLE_BRIDGE: 'true' } : {}),
        },
        ...(this.#o.log ? { log: (line: string) => this.#o.log?.(`[${connectionId}] ${line}`) } : {}),
      });
      this.#o.log?.(`connection ${connectionId} bridge supervised (${connection.gateway.kind} gateway)`);
    });
  }

  async #startGateway(runtime: Runtime): Promise<void> {
    const { connectionId } = runtime.connection;
    const demo = connectionId === DEMO_CONNECTION_ID ? this.#o.demoGateway : undefined;
    const gateway =
      demo ??
      (await startPaperGateway({
        port: 0,
        controlPort: 0,
        account: paperAccountId(connectionId),
        controlToken: randomBytes(24).toString('base64url'),
        ...(this.#o.tickIntervalMs !== undefined ? { tickIntervalMs: this.#o.tickIntervalMs } : {}),
        ...(this.#o.dataDir
          ? { stateFile: join(this.#o.dataDir, 'connections', connectionId, 'paper-gateway.json') }
          : {}),
      }));
    runtime.gateway = gateway;
    runtime.account = gateway.account;
    runtime.ownsGateway = !demo;
    await this.#o.store.reportRuntime(connectionId, {
      paperGateway: {
        host: gateway.host,
        port: gateway.port,
        controlUrl: gateway.controlPort ? `http://${gateway.host}:${gateway.controlPort}/` : '',
        controlToken: gateway.controlToken,
      },
    });
    this.#o.log?.(`connection ${connectionId} paper gateway ${gateway.host}:${gateway.port}`);
  }

  /** Stops the connection's bridge and its own paper gateway; the queue stays (it may hold orders). */
  remove(connectionId: string): Promise<void> {
    return this.#serial(connectionId, async () => {
      const runtime = this.#running.get(connectionId);
      if (!runtime) return;
      this.#running.delete(connectionId);
      await runtime.bridge?.stop();
      if (runtime.ownsGateway) await runtime.gateway?.close();
      this.#o.log?.(`connection ${connectionId} stopped`);
    });
  }

  /** The supervised bridge of a connection. */
  bridge(connectionId: string): SupervisedBridge | undefined {
    return this.#running.get(connectionId)?.bridge;
  }

  /** The paper gateway of a connection. */
  gateway(connectionId: string): PaperGateway | undefined {
    return this.#running.get(connectionId)?.gateway;
  }

  /** The running connections, as demo-credentials.json lists them. */
  running(): RunningConnection[] {
    return [...this.#running.values()].map(({ connection, gateway, account }) => ({
      id: connection.connectionId,
      account: account ?? connection.accounts[0],
      ...(gateway
        ? {
            paperGateway: {
              host: gateway.host,
              port: gateway.port,
              controlUrl: gateway.controlPort ? `http://${gateway.host}:${gateway.controlPort}/` : '',
              controlToken: gateway.controlToken,
            },
          }
        : {}),
    }));
  }

  /** Adds `connections` to demo-credentials.json (the seed writes the rest of it). */
  writeCredentials(file: string): void {
    if (!existsSync(file)) return;
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    credentials.connections = this.running();
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  }

  /** Stops every bridge, then the gateways this provisioner started. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#chains.values()].map((c) => c.catch(() => undefined)));
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(all.map((r) => r.bridge?.stop()));
    await Promise.all(all.filter((r) => r.ownsGateway).map((r) => r.gateway?.close()));
  }

  #serial(connectionId: string, fn: () => Promise<void>): Promise<void> {
    const run = (this.#chains.get(connectionId) ?? Promise.resolve()).catch(() => undefined).then(fn);
    this.#chains.set(connectionId, run);
    return run;
  }
}
