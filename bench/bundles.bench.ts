/**
 * Lambda bundles: the size of every handler's bundle and the time a fresh Node process takes to
 * import it (the init phase of a cold start, without the runtime's own start-up), against a bare
 * handler that only constructs a DynamoDBClient, bundled the same way in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import * as topology from '../core/topology.ts';
import { LAMBDA_ESBUILD } from '../lib/bundling/options.ts';
import { collectHandlers } from '../lib/handlers.ts';
import { projectRoot } from '../lib/topology.ts';
import { percentile, type BenchRow, type BenchSection } from './types.ts';

/** Fresh processes per bundle; the median of them is reported. */
const INIT_RUNS = 5;
const KB = 1024;

const BARE_HANDLER = [
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
  'const client = new DynamoDBClient({});',
  'export const handler = async () => ({ statusCode: 200, body: String(client.config.serviceId) });',
].join('\n');

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  /** Bytes by package (or by our top folder), for the notes. */
  readonly inputs: Map<string, number>;
}

async function bundle(
  name: string,
  entry: { file: string } | { contents: string },
  outdir: string,
  options: Partial<esbuild.BuildOptions> = {},
): Promise<Bundle> {
  const file = path.join(outdir, `${name.replace(/[^A-Za-z0-9]+/g, '_')}.mjs`);
  const result = await esbuild.build({
    ...LAMBDA_ESBUILD,
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    ...('file' in entry
      ? { entryPoints: [path.join(projectRoot, entry.file)] }
      : { stdin: { contents: entry.contents, resolveDir: projectRoot, loader: 'ts' } }),
    outfile: file,
    metafile: true,
    logLevel: 'error',
    ...options,
  });
  const inputs = new Map<string, number>();
  for (const output of Object.values(result.metafile?.outputs ?? {})) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = input.includes('node_modules/')
        ? input.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
        : input.split('/').slice(0, 2).join('/');
      inputs.set(key, (inputs.get(key) ?? 0) + bytesInOutput);
    }
  }
  return { name, file, bytes: statSync(file).size, inputs };
}

interface Init {
  /** Wall time of the import, ms. */
  readonly wall: number;
  /** CPU time (user + system) of the import, ms: far less sensitive to a busy machine. */
  readonly cpu: number;
}

/** Time to import `file` in a fresh Node process, as Lambda's init phase does. */
function initTime(file: string): Init {
  const script =
    `const c0 = process.cpuUsage(); const t0 = performance.now();` +
    `const m = await import(${JSON.stringify(pathToFileURL(file).href)});` +
    `const wall = performance.now() - t0; const c = process.cpuUsage(c0);` +
    `if (typeof m.handler !== 'function') throw new Error('no handler');` +
    `console.log(JSON.stringify({ wall, cpu: (c.user + c.system) / 1000 })); process.exit(0);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(file),
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  return JSON.parse(out) as Init;
}

/**
 * Median init of each bundle over `INIT_RUNS` rounds; every round measures every bundle once, so
 * the floor and the handlers see the same moments of a busy machine.
 */
function medianInits(files: readonly string[]): Init[] {
  const samples = files.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < INIT_RUNS; round++) {
    files.forEach((file, i) => {
      const init = initTime(file);
      samples[i]!.wall.push(init.wall);
      samples[i]!.cpu.push(init.cpu);
    });
  }
  return samples.map((s) => ({ wall: percentile(s.wall, 50), cpu: percentile(s.cpu, 50) }));
}

const topInputs = (b: Bundle, n: number) =>
  [...b.inputs]
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${(v / KB).toFixed(0)} KB`)
    .join(', ');

export default async function run(): Promise<BenchSection> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'oms-bundles-'));
  try {
    const bare = await bundle('bare', { contents: BARE_HANDLER }, outdir);
    // The same bare handler with the SDK's whole default credential chain, for what the alias saves.
    const bareFullChain = await bundle('bare-full-chain', { contents: BARE_HANDLER }, outdir, { alias: {} });
    const handlers: Bundle[] = [];
    for (const handler of collectHandlers(topology).keys()) {
      handlers.push(await bundle(handler, { file: handler }, outdir));
    }
    handlers.sort((a, b) => a.bytes - b.bytes);
    const median = handlers[Math.floor(handlers.length / 2)]!;
    const largest = handlers.at(-1)!;

    const [bareInit, ...handlerInits] = medianInits([bare.file, ...handlers.map((h) => h.file)]);
    const inits = new Map(handlers.map((h, i) => [h.name, handlerInits[i]!]));
    const cpu = handlerInits.map((i) => i.cpu);
    const wall = handlerInits.map((i) => i.wall);
    const bareSize = { metric: 'bare DynamoDBClient handler', value: bare.bytes / KB };
    const bareCpu = { metric: 'bare DynamoDBClient handler', value: bareInit!.cpu };
    const bareWall = { metric: 'bare DynamoDBClient handler', value: bareInit!.wall };

    const rows: BenchRow[] = [
      { metric: `median bundle (${median.name})`, value: median.bytes / KB, unit: 'KB', floor: bareSize },
      { metric: `largest bundle (${largest.name})`, value: largest.bytes / KB, unit: 'KB', floor: bareSize },
      { metric: 'median init CPU time', value: percentile(cpu, 50), unit: 'ms', floor: bareCpu },
      { metric: 'slowest init CPU time', value: Math.max(...cpu), unit: 'ms', floor: bareCpu },
      { metric: 'median init wall time', value: percentile(wall, 50), unit: 'ms', floor: bareWall },
      {
        metric: 'bare handler with the SDK default credential chain',
        value: bareFullChain.bytes / KB,
        unit: 'KB',
        floor: bareSize,
      },
      ...handlers.map((h) => ({
        metric: `${h.name} (init CPU ${inits.get(h.name)!.cpu.toFixed(0)} ms)`,
        value: h.bytes / KB,
        unit: 'KB',
        floor: bareSize,
      })),
    ];
    return {
      title: 'Lambda bundles: size and cold-start init',
      rows,
      notes: [
        `${handlers.length} handlers bundled with lib/bundling/options.ts (ESM, minified, the SDK inside), as the CDK app bundles them; sizes are the bundle without its source map.`,
        `Init is the median of ${INIT_RUNS} rounds, each importing every bundle once in a fresh Node process (module load and top-level code; SDK clients are built lazily on first use), not the Lambda runtime's own start. CPU time is the figure to compare: wall time on a busy machine mostly measures the other processes (load average ${os.loadavg()[0]!.toFixed(0)} during this run).`,
        `Biggest inputs of the bare handler: ${topInputs(bare, 5)}.`,
        `Biggest inputs of the median bundle: ${topInputs(median, 8)}.`,
        'The floor of a handler that validates input is the bare handler plus zod (about 85 KB minified for `import * as z from "zod"`); issue 11 aimed at a 250 KB median, which is below that floor.',
      ],
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
