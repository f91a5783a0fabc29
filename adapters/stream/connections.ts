/**
 * Messages to WebSocket clients through API Gateway's `@connections` API, or through the local
 * gateway's stand-in of it: the endpoint comes from the environment, the code is the same.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DependencyError } from '../../core/errors.ts';
import type { ServerMessage } from '../../core/stream/model.ts';
import type { ConnectionsPort } from '../../core/stream/ports.ts';

function isGone(error: unknown): boolean {
  return error instanceof GoneException || (error as Error | undefined)?.name === 'GoneException';
}

export class ApiGatewayConnections implements ConnectionsPort {
  readonly client: ApiGatewayManagementApiClient;
  readonly endpoint: string;

  /** `endpoint`: `https://<api id>.execute-api.<region>.amazonaws.com/<stage>`. */
  constructor(endpoint: string) {
    this.endpoint = endpoint;
    this.client = new ApiGatewayManagementApiClient({ endpoint });
  }

  async post(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'> {
    try {
      await this.client.send(
        new PostToConnectionCommand({
          ConnectionId: connectionId,
          Data: Buffer.from(JSON.stringify(message)),
        }),
      );
      return 'sent';
    } catch (error) {
      if (isGone(error)) return 'gone';
      throw new DependencyError('Posting to a WebSocket connection failed', { cause: error });
    }
  }

  async close(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (error) {
      if (!isGone(error))
        throw new DependencyError('Closing a WebSocket connection failed', { cause: error });
    }
  }
}
