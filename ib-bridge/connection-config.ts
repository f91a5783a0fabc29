/**
 * A connection's bridge learns where its gateway is and which queue is its own from the
 * connection record, not from the environment: the same image serves every connection.
 */
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { connectionQueueName } from '../core/topology.ts';
import type { BridgeConfig } from './config.ts';
import type { ConnectionRecord, ConnectionRecords } from './ports.ts';

/** IB Gateway's API ports inside the managed gateway container (live, paper). */
export const MANAGED_GATEWAY_PORTS = { live: 4001, paper: 4002 } as const;

/** Where the bridge reaches the connection's gateway. */
export function gatewayAddress(connection: ConnectionRecord): { host: string; port: number } {
  const { gateway } = connection;
  switch (gateway.kind) {
    case 'external':
      return { host: gateway.host, port: gateway.port };
    case 'managed':
      // The gateway runs beside the bridge in the same task (same network namespace).
      return {
        host: '127.0.0.1',
        port: connection.live ? MANAGED_GATEWAY_PORTS.live : MANAGED_GATEWAY_PORTS.paper,
      };
    case 'paper':
      if (!connection.paperGateway)
        throw new Error(`Connection ${connection.connectionId} has no paper gateway started yet`);
      return { host: connection.paperGateway.host, port: connection.paperGateway.port };
  }
}

/**
 * The configuration of the bridge of `config.connectionId`: its gateway and client id from the
 * record, its queue by name (the URL given in the environment wins, for tests).
 */
export async function connectionConfig(
  config: BridgeConfig,
  connections: Pick<ConnectionRecords, 'get'>,
  sqs: SQSClient,
): Promise<BridgeConfig> {
  const connectionId = config.connectionId;
  if (!connectionId) return config;
  const connection = await connections.get(connectionId);
  if (!connection) throw new Error(`Connection ${connectionId} does not exist`);
  const address = gatewayAddress(connection);
  const queueUrl =
    config.ordersQueueUrl ||
    (await sqs.send(new GetQueueUrlCommand({ QueueName: connectionQueueName(connectionId) }))).QueueUrl;
  if (!queueUrl) throw new Error(`The queue of connection ${connectionId} does not exist`);
  return {
    ...config,
    ib: { ...config.ib, ...address, clientId: connection.clientId },
    ordersQueueUrl: queueUrl,
  };
}
