/** A WebSocket client of the stream for tests: queued messages, awaited one at a time, and the close code. */
import { WebSocket } from 'ws';
import { stream } from '../../core/topology.ts';
import type { AnyJson } from './api.ts';

export class StreamClient {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  /** Resolves with the close code. */
  readonly closed: Promise<number>;
  private readonly inbox: AnyJson[] = [];
  private waiters: Array<() => void> = [];

  constructor(baseUrl: string) {
    this.ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${stream.path}`);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
    this.ws.on('message', (data) => {
      this.inbox.push(JSON.parse((data as Buffer).toString('utf8')));
      this.wake();
    });
    this.ws.on('close', () => this.wake());
  }

  /** Opens a socket, authenticates with a token or an API key and waits for `authenticated`. */
  static async authenticated(baseUrl: string, credential: { token: string } | { apiKey: string }) {
    const client = new StreamClient(baseUrl);
    await client.opened;
    client.send({ action: 'auth', ...credential });
    const reply = await client.next();
    if (reply.type !== 'authenticated') throw new Error(`auth refused: ${JSON.stringify(reply)}`);
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The next message; the timeout is only a safety net against a hung test. */
  async next(timeoutMs = 15_000): Promise<AnyJson> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed with no message left');
      if (Date.now() > deadline) throw new Error('no stream message in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
    return this.inbox.shift();
  }

  /** The next `count` event messages (anything else in between fails the test). */
  async events(count: number): Promise<AnyJson[]> {
    const out: AnyJson[] = [];
    while (out.length < count) {
      const m = await this.next();
      if (m.type !== 'event') throw new Error(`expected an event, got ${JSON.stringify(m)}`);
      out.push(m);
    }
    return out;
  }

  /** Subscribes and returns the `subscribed` reply. */
  async subscribe(streams: string[], cursor?: string): Promise<AnyJson> {
    this.send({ action: 'subscribe', streams, ...(cursor ? { cursor } : {}) });
    const reply = await this.next();
    if (reply.type !== 'subscribed') throw new Error(`subscribe refused: ${JSON.stringify(reply)}`);
    return reply;
  }

  /** Messages received and not yet read. */
  pending(): AnyJson[] {
    return [...this.inbox];
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
