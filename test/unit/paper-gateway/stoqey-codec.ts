/**
 * @stoqey/ib's own encoder and decoder driven without a socket: the encoder produces the exact
 * field lists a real client sends, the decoder checks the layouts the gateway sends.
 */
import { Encoder } from '@stoqey/ib/dist/core/io/encoder.js';
import { Decoder } from '@stoqey/ib/dist/core/io/decoder.js';
import { formatField, type Field } from '../../../paper-gateway/framing.ts';

function flatten(tokens: unknown[]): unknown[] {
  return tokens.flatMap((t) => (Array.isArray(t) ? flatten(t) : [t]));
}

/** Field lists as the client's socket writes them (booleans as 0/1, undefined as empty). */
export function clientFields(call: (encoder: Encoder) => void, serverVersion = 193): string[][] {
  const sent: string[][] = [];
  const encoder = new Encoder({
    serverVersion,
    sendMsg: (tokens: unknown[]) => sent.push(flatten(tokens).map((t) => formatField(t as Field))),
    emitError: (message: string) => {
      throw new Error(`client encoder refused: ${message}`);
    },
  } as never);
  call(encoder);
  return sent;
}

/** What the client's decoder made of a list of server messages. */
export interface Decoded {
  events: Array<{ name: string; args: unknown[] }>;
  errors: Array<{ message: string; code: number }>;
}

/** Runs server messages through the client's decoder and returns its events and layout errors. */
export function decodeAsClient(messages: readonly Field[][], serverVersion = 193): Decoded {
  const result: Decoded = { events: [], errors: [] };
  const decoder = new Decoder({
    serverVersion,
    emitEvent: (name: string, ...args: unknown[]) => result.events.push({ name, args }),
    emitError: (message: string, code: number) => result.errors.push({ message, code }),
    emitInfo: (message: string, code: number) => result.events.push({ name: 'info', args: [message, code] }),
  } as never);
  for (const m of messages) decoder.enqueueMessage(m.map(formatField));
  decoder.process();
  return result;
}
