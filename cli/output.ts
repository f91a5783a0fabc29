/** How `oms` prints: aligned tables for people, JSON for scripts (`--json`), problems on stderr. */
import { OmsProblemError } from '../client/index.ts';

export interface Output {
  json: boolean;
  /** Prints data: JSON with `--json`, otherwise the human form `human` makes of it. */
  print(data: unknown, human?: (data: never) => string): void;
  /** One line per item, for streams: compact JSON with `--json` (NDJSON), else the human line. */
  line(data: unknown, human: (data: never) => string): void;
  info(message: string): void;
  error(message: string): void;
}

export function createOutput(
  json: boolean,
  stdout: (s: string) => void = (s) => process.stdout.write(s),
  stderr: (s: string) => void = (s) => process.stderr.write(s),
): Output {
  return {
    json,
    print: (data, human) => {
      if (json || !human) stdout(`${JSON.stringify(data, null, 2)}\n`);
      else stdout(`${human(data as never)}\n`);
    },
    line: (data, human) => stdout(`${json ? JSON.stringify(data) : human(data as never)}\n`),
    info: (message) => {
      if (!json) stdout(`${message}\n`);
    },
    error: (message) => stderr(`${message}\n`),
  };
}

type Cell = string | number | boolean | null | undefined;

/** An aligned text table of `rows`, showing `columns` (key, or [key, heading]). */
export function table<T extends object>(
  rows: T[],
  columns: Array<(keyof T & string) | [keyof T & string, string]>,
): string {
  if (rows.length === 0) return '(none)';
  const cols = columns.map((c) => (Array.isArray(c) ? c : [c, c]) as [keyof T & string, string]);
  const text = (v: unknown) =>
    v === null || v === undefined ? '-' : Array.isArray(v) ? v.join(',') : String(v as Cell);
  const cells = rows.map((r) => cols.map(([k]) => text(r[k])));
  const widths = cols.map(([, h], i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols.map(([, h]) => h.toUpperCase())), ...cells.map(line)].join('\n');
}

/** Key: value lines of one record. */
export function record(data: object): string {
  const entries = Object.entries(data).filter(([, v]) => v !== undefined);
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries
    .map(
      ([k, v]) =>
        `${k.padEnd(width)}  ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    .join('\n');
}

/** The message of a failure: a problem's title, detail and code (and validation issues), or the error. */
export function describeError(error: unknown): string {
  if (error instanceof OmsProblemError) {
    const lines = [`error: ${error.title} (${error.code}, HTTP ${error.status})`];
    if (error.detail) lines.push(`  ${error.detail}`);
    const issues = error.problem.issues;
    if (Array.isArray(issues))
      for (const i of issues as Array<{ path?: string; message?: string }>)
        lines.push(`  - ${i.path ?? ''}: ${i.message ?? ''}`);
    if (error.status === 401) lines.push('  Run `oms login` (or set OMS_API_KEY).');
    return lines.join('\n');
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return `error: cannot reach the OMS${cause ? ` (${cause})` : ''}; is it running (npm start) and is --url right?`;
  }
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
