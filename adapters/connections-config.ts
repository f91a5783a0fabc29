import { DEMO_CONNECTION_ID } from '../core/connections/model.ts';
import { env } from '../core/topology.ts';

function connectionSetting(name: string): string | undefined {
  const configured = process.env[name];
  if (configured === undefined) return DEMO_CONNECTION_ID;
  return configured === '' ? undefined : configured;
}

/**
 * The house connection: where orders of tenants that own no account yet go, and the connection of
 * orders stored before connections existed (the single login of an upgraded deployment). `cdemo`
 * unless configured; none when set empty (then every order must name, or default to, an own account).
 */
export function houseConnection(): string | undefined {
  return connectionSetting(env.houseConnection);
}

/**
 * The connection whose commands still go to the single orders queue (`cdemo` unless configured;
 * none when set empty): the one bridge of a stack without per-connection bridges consumes it.
 */
export function ordersQueueConnection(): string | undefined {
  return connectionSetting(env.ordersQueueConnection);
}

/** The connection a bridge serves (the contract's `OMS_CONNECTION_ID`); undefined for a bridge from before connections. */
export function bridgeConnectionId(): string | undefined {
  return process.env.OMS_CONNECTION_ID || undefined;
}
