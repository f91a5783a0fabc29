/**
 * Runs every bench/*.bench.ts module in turn and writes docs/BENCHMARKS.md.
 * Each figure is printed beside the floor measured in the same run, as a ratio, so the
 * numbers mean something on any machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import os from 'node:os';
import type { BenchSection } from './types.ts';

const dir = import.meta.dirname;

// `--one FILE OUT`: run one benchmark and write its section to OUT. Each runs in its own process,
// so no module state (SDK clients, caches, emulators) carries from one benchmark to the next.
if (process.argv[2] === '--one') {
  const [file, out] = process.argv.slice(3) as [string, string];
  const mod = (await import(join(dir, file))) as { default: () => Promise<BenchSection> };
  await writeFile(out, JSON.stringify(await mod.default()));
  process.exit(0);
}

const only = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const sections: BenchSection[] = [];
const scratch = await mkdtemp(join(tmpdir(), 'oms-bench-'));
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const out = join(scratch, `${file}.json`);
  const run = spawnSync(process.execPath, [import.meta.filename, '--one', file, out], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`${file} failed (exit ${run.status ?? run.signal})`);
    process.exitCode = 1;
    continue;
  }
  const section = JSON.parse(await readFile(out, 'utf8')) as BenchSection;
  sections.push(section);
  for (const row of section.rows) console.log('  ' + formatRow(row).join(' | '));
}
await rm(scratch, { recursive: true, force: true });

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1);
}

function formatRow(row: BenchSection['rows'][number]): string[] {
  const floor = row.floor ? `${row.floor.metric}: ${fmt(row.floor.value)} ${row.unit}` : '';
  const ratio = row.floor && row.floor.value > 0 ? `${(row.value / row.floor.value).toFixed(2)}×` : '';
  return [row.metric, `${fmt(row.value)} ${row.unit}`, floor, ratio];
}

const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench`. Each figure stands beside a floor measured in the same run on the same',
  'machine, and the ratio between them is the number to compare across machines.',
  '',
  `Last run: ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
];
for (const section of sections) {
  lines.push('', `## ${section.title}`, '', '| metric | value | floor | ratio |', '|---|---|---|---|');
  for (const row of section.rows) lines.push(`| ${formatRow(row).join(' | ')} |`);
  if (section.notes?.length) lines.push('', ...section.notes.map((n) => `- ${n}`));
}
if (only.length === 0 && process.exitCode !== 1) {
  await mkdir(join(dir, '..', 'docs'), { recursive: true });
  await writeFile(join(dir, '..', 'docs', 'BENCHMARKS.md'), lines.join('\n') + '\n');
  console.log('\nwrote docs/BENCHMARKS.md');
}
