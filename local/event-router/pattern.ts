/**
 * EventBridge event-pattern matching, as the AWS content-filtering documentation specifies it
 * ("Event patterns", "Content filtering", "Comparison operators"). Pure: no I/O.
 *
 * Semantics worth knowing (they follow AWS, and the `aws/event-ruler` library EventBridge uses):
 * - A pattern leaf is an array of alternatives (OR); the fields of an object are ANDed.
 * - An event array matches a leaf if any of its elements does; nested arrays are flattened.
 * - Objects inside an event array are matched one element at a time ("array consistency"): two
 *   fields of one pattern object never match in two different elements of the same array.
 * - A leaf "exists" when the event has at least one scalar value there: `null` is a value, an
 *   empty array or an object is not (exists only works on leaf nodes).
 * - `$or` is an array of at least two objects; it is expanded into alternative patterns.
 */
import { BlockList, isIP } from 'node:net';
import { InvalidEventPatternError } from './errors.ts';

/** An event pattern as written in a rule (`RuleSpec.pattern`) or passed to PutRule. */
export type EventPattern = Record<string, unknown>;

type Scalar = string | number | boolean | null;
type Predicate = (value: Scalar) => boolean;

type LeafTest = { kind: 'exists'; present: boolean } | { kind: 'value'; test: Predicate };

interface Leaf {
  kind: 'leaf';
  tests: LeafTest[];
}

interface Node {
  kind: 'node';
  fields: Array<[string, Leaf | Node]>;
  /** Every leaf below is `exists: false`: such a node holds only if NO array element has the fields. */
  negativeOnly: boolean;
}

/** A validated pattern, compiled once for matching many events. */
export interface CompiledPattern {
  readonly pattern: EventPattern;
  matches(event: unknown): boolean;
}

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
]);

// $or expands into the cross product of its alternatives; AWS caps rule complexity too.
const MAX_BRANCHES = 1000;

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Throws `InvalidEventPatternError` if PutRule would refuse the pattern (an object or its JSON text). */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  compilePattern(pattern);
}

/** Validates a pattern (an object or its JSON text) and compiles it for repeated matching. */
export function compilePattern(pattern: unknown): CompiledPattern {
  const parsed = parsePatternInput(pattern);
  const branches = compileObject(parsed, '');
  for (const branch of branches) markNegativeOnly(branch);
  return {
    pattern: parsed,
    matches: (event) => isPlainObject(event) && branches.some((b) => matchFields(b, event)),
  };
}

const compiledCache = new WeakMap<object, CompiledPattern>();

/** Whether `event` matches `pattern`; raw patterns are compiled once and cached. Throws on an invalid pattern. */
export function matchesPattern(pattern: EventPattern | CompiledPattern, event: unknown): boolean {
  if (isCompiled(pattern)) return pattern.matches(event);
  let compiled = compiledCache.get(pattern);
  if (compiled === undefined) {
    compiled = compilePattern(pattern);
    compiledCache.set(pattern, compiled);
  }
  return compiled.matches(event);
}

function isCompiled(p: EventPattern | CompiledPattern): p is CompiledPattern {
  return typeof (p as Partial<CompiledPattern>).matches === 'function' && 'pattern' in p;
}

// ---------------------------------------------------------------------------------------------
// Matching

function matchFields(node: Node, obj: Record<string, unknown>): boolean {
  for (const [key, child] of node.fields) {
    // Own properties only: an event without "constructor" must not see Object.prototype's.
    const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
    const ok = child.kind === 'leaf' ? matchLeaf(child, value) : matchNode(child, value);
    if (!ok) return false;
  }
  return true;
}

function matchNode(node: Node, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements: Record<string, unknown>[] = [];
    collectObjects(value, elements);
    return node.negativeOnly
      ? elements.every((e) => matchFields(node, e))
      : elements.some((e) => matchFields(node, e));
  }
  return matchFields(node, isPlainObject(value) ? value : EMPTY);
}

function matchLeaf(leaf: Leaf, value: unknown): boolean {
  const values: Scalar[] = [];
  collectScalars(value, values);
  for (const t of leaf.tests) {
    if (t.kind === 'exists' ? values.length > 0 === t.present : values.some(t.test)) return true;
  }
  return false;
}

function collectScalars(value: unknown, out: Scalar[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectScalars(v, out);
  } else if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    out.push(value);
  }
}

function collectObjects(value: unknown[], out: Record<string, unknown>[]): void {
  for (const v of value) {
    if (Array.isArray(v)) collectObjects(v, out);
    else if (isPlainObject(v)) out.push(v);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Compiling (and validating: every refusal below is one PutRule makes)

function fail(message: string, path: string): never {
  throw new InvalidEventPatternError(message, path);
}

function parsePatternInput(pattern: unknown): EventPattern {
  let value = pattern;
  if (typeof pattern === 'string') {
    try {
      value = JSON.parse(pattern);
    } catch (cause) {
      throw new InvalidEventPatternError('Event pattern is not valid JSON', '', { cause });
    }
  }
  if (!isPlainObject(value)) fail('Event pattern must be a JSON object', '');
  return value;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Compiles one pattern object into its alternatives (more than one only when `$or` is inside). */
function compileObject(obj: Record<string, unknown>, path: string, insideOr = false): Node[] {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail('Empty objects are not allowed', path);
  let branches: Array<Array<[string, Leaf | Node]>> = [[]];
  for (const key of keys) {
    const value = obj[key];
    const here = join(path, key);
    let alternatives: Array<Array<[string, Leaf | Node]>>;
    if (key === '$or') {
      alternatives = compileOr(value, here, path);
    } else {
      if (insideOr && OPERATORS.has(key)) {
        fail(`"${key}" is a reserved word and cannot be a field name inside $or`, here);
      }
      if (Array.isArray(value)) {
        alternatives = [[[key, compileLeaf(value, here)]]];
      } else if (isPlainObject(value)) {
        alternatives = compileObject(value, here, insideOr).map((n) => [[key, n]]);
      } else {
        fail(`"${key}" must be an object or an array`, here);
      }
    }
    const next: Array<Array<[string, Leaf | Node]>> = [];
    for (const b of branches) for (const a of alternatives) next.push(mergeFields(b, a));
    if (next.length > MAX_BRANCHES)
      fail(`Event pattern is too complex (more than ${MAX_BRANCHES} $or branches)`, here);
    branches = next;
  }
  return branches.map((fields) => ({ kind: 'node', fields, negativeOnly: false }));
}

function compileOr(value: unknown, here: string, path: string): Array<Array<[string, Leaf | Node]>> {
  if (!Array.isArray(value)) fail('$or must be an array of objects', here);
  if (value.length < 2) fail('$or must contain at least 2 objects', here);
  const alternatives: Array<Array<[string, Leaf | Node]>> = [];
  value.forEach((item, i) => {
    if (!isPlainObject(item)) fail('$or may only contain objects', `${here}[${i}]`);
    // An $or alternative's fields belong to the object that holds the $or, not to a "$or" key.
    for (const n of compileObject(item, path === '' ? `$or[${i}]` : `${path}.$or[${i}]`, true)) {
      alternatives.push(n.fields);
    }
  });
  return alternatives;
}

/** Fields from an `$or` alternative join their siblings; two objects under one key become one. */
function mergeFields(
  a: Array<[string, Leaf | Node]>,
  b: Array<[string, Leaf | Node]>,
): Array<[string, Leaf | Node]> {
  const out = [...a];
  for (const [key, child] of b) {
    const i = out.findIndex(([k, c]) => k === key && c.kind === 'node' && child.kind === 'node');
    const existing = i >= 0 ? out[i] : undefined;
    if (existing !== undefined && existing[1].kind === 'node' && child.kind === 'node') {
      out[i] = [
        key,
        { kind: 'node', fields: mergeFields(existing[1].fields, child.fields), negativeOnly: false },
      ];
    } else {
      out.push([key, child]);
    }
  }
  return out;
}

function markNegativeOnly(node: Node): boolean {
  let negative = true;
  for (const [, child] of node.fields) {
    const childNegative =
      child.kind === 'leaf'
        ? child.tests.every((t) => t.kind === 'exists' && !t.present)
        : markNegativeOnly(child);
    negative &&= childNegative;
  }
  node.negativeOnly = negative;
  return negative;
}

function compileLeaf(values: unknown[], path: string): Leaf {
  if (values.length === 0) fail('Empty arrays are not allowed', path);
  const tests = values.map((v, i): LeafTest => {
    const here = `${path}[${i}]`;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: 'value', test: (x) => x === v };
    }
    if (isPlainObject(v)) return compileOperator(v, here);
    return fail('Match value must be a string, number, true, false, null or an object', here);
  });
  return { kind: 'leaf', tests };
}

function singleKey(obj: Record<string, unknown>, path: string): [string, unknown] {
  const entries = Object.entries(obj);
  const first = entries[0];
  if (first === undefined) fail('Empty match expression', path);
  if (entries.length > 1) fail('Only one key allowed in match expression', path);
  return first;
}

function compileOperator(obj: Record<string, unknown>, path: string): LeafTest {
  const [op, arg] = singleKey(obj, path);
  const here = join(path, op);
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') fail('exists match pattern must be either true or false', here);
      return { kind: 'exists', present: arg };
    case 'prefix':
    case 'suffix':
      return { kind: 'value', test: affixTest(op, arg, here) };
    case 'equals-ignore-case': {
      const s = requireString(arg, here);
      return { kind: 'value', test: (x) => typeof x === 'string' && foldCase(x) === foldCase(s) };
    }
    case 'wildcard': {
      const match = compileWildcard(requireString(arg, here), here);
      return { kind: 'value', test: (x) => typeof x === 'string' && match(x) };
    }
    case 'numeric':
      return { kind: 'value', test: compileNumeric(arg, here) };
    case 'cidr':
      return { kind: 'value', test: compileCidr(arg, here) };
    case 'anything-but': {
      const excluded = compileAnythingBut(arg, here);
      // Anything-but needs a value to be there; it then matches every value it doesn't exclude.
      return { kind: 'value', test: (x) => !excluded(x) };
    }
    default:
      return fail(`Unrecognized match type ${op}`, here);
  }
}

function requireString(arg: unknown, path: string): string {
  if (typeof arg !== 'string') fail('Match pattern must be a string', path);
  return arg;
}

function foldCase(s: string): string {
  return s.toLowerCase();
}

/** `prefix`/`suffix` with a string, or with `{ "equals-ignore-case": string }`. */
function affixTest(op: 'prefix' | 'suffix', arg: unknown, path: string): Predicate {
  if (typeof arg === 'string') {
    return op === 'prefix'
      ? (x) => typeof x === 'string' && x.startsWith(arg)
      : (x) => typeof x === 'string' && x.endsWith(arg);
  }
  if (isPlainObject(arg)) {
    const [inner, value] = singleKey(arg, path);
    if (inner !== 'equals-ignore-case') fail(`Unsupported ${op} pattern: ${inner}`, join(path, inner));
    const folded = foldCase(requireString(value, join(path, inner)));
    return op === 'prefix'
      ? (x) => typeof x === 'string' && foldCase(x).startsWith(folded)
      : (x) => typeof x === 'string' && foldCase(x).endsWith(folded);
  }
  return fail(`${op} match pattern must be a string or an equals-ignore-case object`, path);
}

/** Returns the predicate of the values anything-but EXCLUDES. */
function compileAnythingBut(arg: unknown, path: string): Predicate {
  if (typeof arg === 'string') return (x) => x === arg;
  if (typeof arg === 'number') return (x) => x === arg;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((v) => typeof v === 'string');
    const allNumbers = arg.every((v) => typeof v === 'number');
    if (arg.length === 0 || !(allStrings || allNumbers)) {
      fail('Inside anything-but list, values must be all strings or all numbers', path);
    }
    const set = new Set<unknown>(arg);
    return (x) => set.has(x);
  }
  if (isPlainObject(arg)) {
    const [inner, value] = singleKey(arg, path);
    const here = join(path, inner);
    if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(inner)) {
      fail(`Unsupported anything-but pattern: ${inner}`, here);
    }
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) fail('Empty arrays are not allowed', here);
    const strings = list.map((v, i) => requireString(v, Array.isArray(value) ? `${here}[${i}]` : here));
    switch (inner) {
      case 'prefix':
      case 'suffix': {
        if (strings.some((s) => s === '')) fail(`Empty ${inner} not allowed in anything-but`, here);
        const tests = strings.map((s) => affixTest(inner, s, here));
        return (x) => tests.some((t) => t(x));
      }
      case 'equals-ignore-case': {
        const folded = new Set(strings.map(foldCase));
        return (x) => typeof x === 'string' && folded.has(foldCase(x));
      }
      case 'wildcard': {
        const matchers = strings.map((s) => compileWildcard(s, here));
        return (x) => typeof x === 'string' && matchers.some((m) => m(x));
      }
      default:
        return fail(`Unsupported anything-but pattern: ${inner}`, here);
    }
  }
  return fail('Value of anything-but must be a string, a number, a list of either, or an object', path);
}

/**
 * `*` matches any run of characters (none too); `\*` is a literal star and `\\` a literal
 * backslash; any other escape, and `**`, are refused.
 */
function compileWildcard(pattern: string, path: string): (value: string) => boolean {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${i}`, path);
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i}`, path);
      current += next;
      i++;
    } else {
      current += c;
    }
  }
  segments.push(current);
  if (segments.length === 1) return (value) => value === current;
  const first = segments[0] ?? '';
  const last = segments[segments.length - 1] ?? '';
  const middle = segments.slice(1, -1);
  return (value) => {
    if (value.length < first.length + last.length) return false;
    if (!value.startsWith(first) || !value.endsWith(last)) return false;
    // Leftmost placement of each middle segment is optimal for `*`-only globs.
    let pos = first.length;
    const end = value.length - last.length;
    for (const seg of middle) {
      const at = value.indexOf(seg, pos);
      if (at < 0 || at + seg.length > end) return false;
      pos = at + seg.length;
    }
    return true;
  };
}

/** `["=", n]`, `[">"|">=", n]`, `["<"|"<=", n]`, or `[">"|">=", lo, "<"|"<=", hi]` with lo < hi. */
function compileNumeric(arg: unknown, path: string): Predicate {
  if (!Array.isArray(arg)) fail('Value of numeric must be an array', path);
  const [op1, v1, op2, v2, ...rest] = arg as unknown[];
  const num = (v: unknown, op: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`Value of ${String(op)} must be numeric`, path);
    return v;
  };
  if (rest.length > 0) fail('Too many terms in numeric range expression', path);
  if (typeof op1 !== 'string') fail('Invalid member in numeric match', path);
  const a = num(v1, op1);
  const tooMany = () => fail('Too many elements in numeric expression', path);
  switch (op1) {
    case '=':
      if (arg.length > 2) tooMany();
      return (x) => typeof x === 'number' && x === a;
    case '<':
      if (arg.length > 2) tooMany();
      return (x) => typeof x === 'number' && x < a;
    case '<=':
      if (arg.length > 2) tooMany();
      return (x) => typeof x === 'number' && x <= a;
    case '>':
    case '>=': {
      const lower = op1 === '>' ? (x: number) => x > a : (x: number) => x >= a;
      if (arg.length === 2) return (x) => typeof x === 'number' && lower(x);
      if (op2 !== '<' && op2 !== '<=') return fail(`Bad numeric range operator: ${String(op2)}`, path);
      const b = num(v2, op2);
      if (!(a < b)) fail('Bottom must be less than top', path);
      const upper = op2 === '<' ? (x: number) => x < b : (x: number) => x <= b;
      return (x) => typeof x === 'number' && lower(x) && upper(x);
    }
    default:
      return fail(`Unrecognized numeric range operator: ${op1}`, path);
  }
}

/** An IPv4 or IPv6 block: `10.0.0.0/24`, `2001:db8::/32` (host bits may be set, as AWS allows). */
function compileCidr(arg: unknown, path: string): Predicate {
  const cidr = requireString(arg, path);
  const parts = cidr.split('/');
  const [address, bits] = parts;
  if (parts.length !== 2 || address === undefined || bits === undefined) {
    fail("Malformed CIDR, one '/' required", path);
  }
  const family = isIP(address);
  if (family === 0) fail(`Malformed CIDR, bad IP address: ${address}`, path);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max)
    fail(`Malformed CIDR, mask bits must be 0 to ${max}`, path);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(address, Number(bits), type);
  return (x) => typeof x === 'string' && isIP(x) === family && block.check(x, type);
}
