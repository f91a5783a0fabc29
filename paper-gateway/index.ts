/**
 * Public API of the paper gateway: an IB Gateway stand-in speaking the TWS API (server versions
 * 100 to 193, negotiated per connection as IB does) with a matching engine, a simulated clock
 * with exchange sessions, historical and reference data, fault injection and inspection.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { dirname, join } from 'node:path';
import { startControlServer } from './control-http.ts';
import { PaperGatewayServer, type PaperGatewayControl, type PaperGatewayOptions } from './server.ts';

export type {
  ManualOrderInput,
  PaperGatewayControl,
  PaperGatewayOptions,
  Placement,
  PlacementCounts,
  RestartOptions,
  TradingHoursMode,
} from './server-types.ts';
export type { ExecutionRecord, OrderRecord, OrderStatus } from './matching.ts';
export type { PositionView } from './accounts.ts';
export type { Quote, QuoteUpdate, SymbolSpec } from './prices.ts';
export type { SessionState } from './sessions.ts';
export { DEFAULT_UNIVERSE } from './prices.ts';
export { COMMISSION } from './accounts.ts';
export { SERVER_VERSION } from './framing.ts';
export { MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION } from './versions.ts';
export * from './errors.ts';

/** A running paper gateway. */
export interface PaperGateway {
  host: string;
  port: number;
  controlPort: number | null;
  /** The paper account the gateway reports in managedAccounts. */
  account: string;
  /** The bearer token the HTTP control interface requires. */
  controlToken: string;
  /** Where the token was written (next to the state file, or controlTokenFile), if anywhere. */
  controlTokenFile: string | null;
  control: PaperGatewayControl;
  close(): Promise<void>;
}

/** Options of startPaperGateway: the server's, plus where to write the control token. */
export interface StartOptions extends PaperGatewayOptions {
  /** File the control token is written to (mode 0600); default `paper-gateway.token` beside the state file. */
  controlTokenFile?: string;
}

function writeToken(file: string, token: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
}

/** Starts a paper gateway; port 0 picks a free port, controlPort null disables HTTP control. */
export async function startPaperGateway(opts: StartOptions = {}): Promise<PaperGateway> {
  const server = new PaperGatewayServer(opts);
  await server.listen();
  let http: http.Server | null = null;
  let tokenFile: string | null = null;
  const controlPort = opts.controlPort === undefined ? 0 : opts.controlPort;
  if (controlPort !== null) {
    try {
      tokenFile =
        opts.controlTokenFile ??
        (opts.stateFile ? join(dirname(opts.stateFile), 'paper-gateway.token') : null);
      if (tokenFile) writeToken(tokenFile, server.controlToken);
      http = await startControlServer(server.control, server.host, controlPort, server.controlToken);
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  const address = http?.address();
  return {
    host: server.host,
    get port() {
      // A restart re-binds the same port, so this stays valid.
      return server.port;
    },
    controlPort: address && typeof address === 'object' ? address.port : null,
    account: server.account,
    controlToken: server.controlToken,
    controlTokenFile: tokenFile,
    control: server.control,
    async close() {
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http?.close(() => resolve()));
      }
      await server.close();
    },
  };
}
