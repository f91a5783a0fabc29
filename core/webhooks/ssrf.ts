/**
 * Which destinations a webhook may reach. Pure: the adapters resolve names and call these on every
 * address the resolver returned, at subscription and again at each delivery.
 */

/** Why an address is refused; undefined for a public unicast address. */
export type ForbiddenReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'documentation';

/** What a deployment allows: AWS refuses loopback and plain http; the local stack allows both, to loopback only. */
export interface DestinationPolicy {
  allowLoopback: boolean;
}

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

/** The sixteen bytes of an IPv6 address (with an optional embedded IPv4 tail and zone), or undefined. */
export function parseIPv6(input: string): number[] | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return undefined;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4) return undefined;
    tail = v4;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inV4(b: number[], net: [number, number, number, number], bits: number): boolean {
  for (let i = 0; i < 4; i++) {
    const maskBits = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff << (8 - maskBits)) & 0xff;
    if (((b[i] ?? 0) & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

function classifyV4(b: number[]): ForbiddenReason | undefined {
  if (inV4(b, [169, 254, 169, 254], 32)) return 'metadata';
  if (inV4(b, [0, 0, 0, 0], 8)) return 'unspecified';
  if (inV4(b, [127, 0, 0, 0], 8)) return 'loopback';
  if (inV4(b, [10, 0, 0, 0], 8) || inV4(b, [172, 16, 0, 0], 12) || inV4(b, [192, 168, 0, 0], 16))
    return 'private';
  if (inV4(b, [169, 254, 0, 0], 16)) return 'link-local';
  if (inV4(b, [100, 64, 0, 0], 10)) return 'cgnat';
  if (inV4(b, [224, 0, 0, 0], 4)) return 'multicast';
  if (inV4(b, [192, 0, 2, 0], 24) || inV4(b, [198, 51, 100, 0], 24) || inV4(b, [203, 0, 113, 0], 24))
    return 'documentation';
  // IETF protocol assignments, benchmarking, 6to4 relay anycast, and 240/4 including broadcast.
  if (
    inV4(b, [192, 0, 0, 0], 24) ||
    inV4(b, [198, 18, 0, 0], 15) ||
    inV4(b, [192, 88, 99, 0], 24) ||
    inV4(b, [240, 0, 0, 0], 4)
  )
    return 'reserved';
  return undefined;
}

function startsWith(b: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const maskBits = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - maskBits)) & 0xff;
    if (((b[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

const zeros = (n: number) => Array<number>(n).fill(0);

function classifyV6(b: number[]): ForbiddenReason | undefined {
  const v4 = b.slice(12);
  // fd00:ec2::254, the EC2 metadata service over IPv6.
  if (startsWith(b, [0xfd, 0x00, 0x0e, 0xc2, ...zeros(10), 0x02, 0x54], 128)) return 'metadata';
  if (b.every((x) => x === 0)) return 'unspecified';
  if (startsWith(b, [...zeros(15), 1], 128)) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), IPv4-translated and NAT64 forms reach the IPv4 address.
  if (startsWith(b, [...zeros(10), 0xff, 0xff], 96)) return classifyV4(v4);
  if (startsWith(b, zeros(12), 96)) return classifyV4(v4) ?? 'reserved';
  if (startsWith(b, [...zeros(8), 0xff, 0xff, 0, 0], 96)) return classifyV4(v4) ?? 'reserved';
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b], 32)) return classifyV4(v4) ?? 'reserved';
  // 6to4 embeds the IPv4 address in bytes 2..5.
  if (startsWith(b, [0x20, 0x02], 16)) return classifyV4(b.slice(2, 6)) ?? undefined;
  if (startsWith(b, [0xfc], 7)) return 'private';
  if (startsWith(b, [0xfe, 0x80], 10)) return 'link-local';
  if (startsWith(b, [0xfe, 0xc0], 10)) return 'private'; // deprecated site-local, still routed inside some networks
  if (startsWith(b, [0xff], 8)) return 'multicast';
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8], 32)) return 'documentation';
  // Teredo hides an IPv4 address; discard-only; ORCHID and other IETF assignments.
  if (
    startsWith(b, [0x20, 0x01, 0, 0], 32) ||
    startsWith(b, [0x01, 0, ...zeros(6)], 64) ||
    startsWith(b, [0x20, 0x01], 23)
  )
    return 'reserved';
  return undefined;
}

/** Why `address` (an IP literal) must not be reached, or undefined when it is a public unicast address. */
export function forbiddenReason(address: string): ForbiddenReason | undefined {
  const v4 = parseIPv4(address);
  if (v4) return classifyV4(v4);
  const v6 = parseIPv6(address);
  if (v6) return classifyV6(v6);
  return 'reserved'; // not an address at all: never connect to it
}

/** True when every address is reachable under the policy. */
export function addressAllowed(address: string, policy: DestinationPolicy): boolean {
  const reason = forbiddenReason(address);
  return reason === undefined || (reason === 'loopback' && policy.allowLoopback);
}

/** The parts of a webhook URL the sender needs, after the checks that need no DNS. */
export interface WebhookTarget {
  url: URL;
  /** The host name without IPv6 brackets. */
  host: string;
  /** Set when the URL names an IP address directly. */
  literal?: string;
}

/**
 * Checks a URL's shape: https (http only when the policy allows loopback, and then only to
 * loopback, which the caller checks after resolution), no credentials, a host. Returns a reason
 * string when refused.
 */
export function checkUrlShape(
  raw: string,
  policy: DestinationPolicy,
): { target: WebhookTarget } | { refused: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: 'not an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback)) {
    return {
      refused: policy.allowLoopback ? 'only https and http URLs are allowed' : 'only https URLs are allowed',
    };
  }
  if (url.username !== '' || url.password !== '') return { refused: 'URLs with credentials are not allowed' };
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') return { refused: 'the URL has no host' };
  const literal = parseIPv4(host) || parseIPv6(host) ? host : undefined;
  return { target: literal ? { url, host, literal } : { url, host } };
}

/** Checks the resolved addresses of a target; plain http may only go to loopback. */
export function checkResolved(
  target: WebhookTarget,
  addresses: readonly string[],
  policy: DestinationPolicy,
): string | undefined {
  if (addresses.length === 0) return 'the host name does not resolve';
  for (const address of addresses) {
    const reason = forbiddenReason(address);
    if (reason !== undefined && !(reason === 'loopback' && policy.allowLoopback)) {
      return `${target.host} resolves to a ${reason} address`;
    }
    if (target.url.protocol === 'http:' && reason !== 'loopback')
      return 'plain http is allowed to loopback addresses only';
  }
  return undefined;
}
