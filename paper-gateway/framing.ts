/**
 * TWS API framing (the "V100+" protocol): the client opens with `API\0` and a length-prefixed
 * version range; afterwards every message both ways is a 4-byte big-endian length followed by
 * fields, each terminated by `\0`.
 */
import { FramingError } from './errors.ts';

/** The highest server version the paper gateway speaks (see versions.ts for the negotiation). */
export { MAX_SUPPORTED_VERSION as SERVER_VERSION } from './versions.ts';

/** Largest frame accepted, the same bound IB's own clients use. */
export const MAX_FRAME_LENGTH = 0xffffff;

const HANDSHAKE_PREFIX = Buffer.from('API\0', 'latin1');

/** A field value before it is written to the wire. */
export type Field = string | number | boolean | undefined | null;

/** The unset double on the wire (Java's Double.MAX_VALUE). */
export const UNSET_DOUBLE = '1.7976931348623157E308';
/** The unset integer on the wire (Java's Integer.MAX_VALUE). */
export const UNSET_INTEGER = '2147483647';

/** Formats one field the way IB's Java server does (booleans as 0/1, unset as empty). */
export function formatField(value: Field): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '';
    if (value === Number.MAX_VALUE || value === Infinity) return UNSET_DOUBLE;
    return String(value);
  }
  // A NUL inside a field would split it in two on the other side.
  return value.includes('\0') ? value.replaceAll('\0', '') : value;
}

/** Encodes one message: length prefix, then every field followed by `\0`. */
export function encodeFrame(fields: readonly Field[]): Buffer {
  const body = Buffer.from(fields.map((f) => formatField(f) + '\0').join(''), 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a frame body into its fields; the body must end with a terminator. */
export function splitFields(body: Buffer): string[] {
  if (body.length === 0) throw new FramingError('empty frame');
  if (body[body.length - 1] !== 0) throw new FramingError('frame does not end with a field terminator');
  const fields = body.toString('utf8').split('\0');
  fields.pop();
  return fields;
}

/** The range of server versions a client says it supports. */
export interface VersionRange {
  min: number;
  max: number;
}

/** Parses the handshake payload, e.g. `v100..193` (connect options after a space are ignored). */
export function parseVersionRange(text: string): VersionRange {
  const match = /^v(\d+)(?:\.\.(\d+))?(?:\s|$)/.exec(text);
  if (!match) throw new FramingError(`bad version range in handshake: ${JSON.stringify(text.slice(0, 40))}`);
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (max < min) throw new FramingError(`bad version range in handshake: ${text}`);
  return { min, max };
}

/** What the reader has found in the stream so far. */
export type ReaderEvent = { kind: 'handshake'; range: VersionRange } | { kind: 'message'; fields: string[] };

/** Incremental reader of one connection's inbound bytes; throws FramingError on garbage. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);
  #handshakeDone = false;

  /** Appends received bytes and returns every complete handshake or message they finish. */
  push(chunk: Buffer): ReaderEvent[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const events: ReaderEvent[] = [];
    for (;;) {
      if (!this.#handshakeDone) {
        const available = Math.min(this.#buffer.length, HANDSHAKE_PREFIX.length);
        if (!this.#buffer.subarray(0, available).equals(HANDSHAKE_PREFIX.subarray(0, available))) {
          throw new FramingError('connection did not start with the API handshake');
        }
        if (this.#buffer.length < HANDSHAKE_PREFIX.length) return events;
        const body = this.#takeFrame(HANDSHAKE_PREFIX.length);
        if (!body) return events;
        this.#handshakeDone = true;
        events.push({
          kind: 'handshake',
          range: parseVersionRange(body.toString('latin1').replace(/\0+$/, '')),
        });
        continue;
      }
      const body = this.#takeFrame(0);
      if (!body) return events;
      events.push({ kind: 'message', fields: splitFields(body) });
    }
  }

  #takeFrame(offset: number): Buffer | undefined {
    if (this.#buffer.length < offset + 4) return undefined;
    const length = this.#buffer.readUInt32BE(offset);
    if (length === 0 || length > MAX_FRAME_LENGTH) throw new FramingError(`bad frame length ${length}`);
    if (this.#buffer.length < offset + 4 + length) return undefined;
    const body = this.#buffer.subarray(offset + 4, offset + 4 + length);
    this.#buffer = this.#buffer.subarray(offset + 4 + length);
    return body;
  }
}
