/**
 * Public API of the paper gateway: an IB Gateway stand-in speaking the TWS API (server
 * version 193) with a matching engine, fault injection and inspection.
 */
import type http from 'node:http';
import { startControlServer } from './control-http.ts';
import { PaperGatewayServer, type PaperGatewayControl, type PaperGatewayOptions } from './server.ts';

export type {
  ManualOrderInput,
  PaperGatewayControl,
  PaperGatewayOptions,
  Placement,
  PlacementCounts,
  RestartOptions,
} from './server.ts';
export type { ExecutionRecord, OrderRecord, OrderStatus } from './matching.ts';
export type { PositionView } from './accounts.ts';
export type { Quote, QuoteUpdate, SymbolSpec } from './prices.ts';
export { DEFAULT_UNIVERSE } from './prices.ts';
export { COMMISSION } from './accounts.ts';
export { SERVER_VERSION } from './framing.ts';
export * from './errors.ts';

/** A running paper gateway. */
export interface PaperGateway {
  host: string;
  port: number;
  controlPort: number | null;
  control: PaperGatewayControl;
  close(): Promise<void>;
}

/** Starts a paper gateway; port 0 picks a free port, controlPort null disables HTTP control. */
export async function startPaperGateway(opts: PaperGatewayOptions = {}): Promise<PaperGateway> {
  const server = new PaperGatewayServer(opts);
  await server.listen();
  let http: http.Server | null = null;
  const controlPort = opts.controlPort === undefined ? 0 : opts.controlPort;
  if (controlPort !== null) {
    try {
      http = await startControlServer(server.control, server.host, controlPort);
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
