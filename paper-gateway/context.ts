/**
 * What the session, the request handlers and the control interface need of the gateway. The
 * server implements it; depending on this interface instead of the server keeps the modules
 * free of import cycles.
 */
import type { Account } from './accounts.ts';
import type { SimulatedClock } from './clock.ts';
import type { Connection } from './connection.ts';
import type { Faults } from './faults.ts';
import type { PriceHistory } from './history.ts';
import type { DerivativeCatalog } from './instruments/catalog.ts';
import type { MatchingEngine } from './matching.ts';
import type { PriceBook } from './prices.ts';
import type { Placement, TradingHoursMode } from './server-types.ts';
import type { SessionState } from './sessions.ts';
import type { ClientIds } from './state.ts';

/** The gateway as its collaborators see it. */
export interface GatewayContext {
  readonly account: string;
  readonly port: number;
  readonly prices: PriceBook;
  readonly derivatives: DerivativeCatalog;
  readonly engine: MatchingEngine;
  readonly clock: SimulatedClock;
  readonly history: PriceHistory;
  readonly faults: Faults;
  readonly pacingLimit: number;
  readonly log: ((line: string) => void) | null;
  readonly connections: Set<Connection>;
  readonly clientIds: Map<number, ClientIds>;
  readonly placements: Placement[];
  readonly pacingViolations: Map<number, number>;
  readonly messagesByClient: Map<number, number>;
  readonly unpaced: Set<number>;
  readonly pendingTimers: Set<NodeJS.Timeout>;
  readonly mainAccount: Account;
  tradingHoursMode: TradingHoursMode;
  rthOverride: boolean | null;
  connectivityLost: boolean;
  messages: number;
  closing: boolean;
  session(): SessionState;
  inSession(useRth: boolean): (t: number) => boolean;
  connectionsOf(clientId: number): Connection[];
  ids(clientId: number): ClientIds;
  scheduleSave(): void;
  flushState(): void;
  stopListening(): Promise<void>;
  bind(port: number): Promise<void>;
}
