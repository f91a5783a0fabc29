import { describe, expect, it, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as topology from '../../../core/topology.ts';
import { collectHandlers } from '../../../lib/oms-stack.ts';
import { synth } from './support.ts';

// The one synthesis with bundling on: the local esbuild (no Docker) bundles every handler of the
// real topology as ESM, as `npm run synth` does.
const outdir = mkdtempSync(path.join(tmpdir(), 'oms-cdk-'));
const { template, stack } = synth({}, { bundle: true, outdir });
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const assetDirOf = (fn: { [key: string]: unknown }): string => {
  const { Properties } = fn as { Properties: { Code: { S3Key: string } } };
  return path.join(outdir, `asset.${Properties.Code.S3Key.replace(/\.zip$/, '')}`);
};

describe('bundled synthesis', () => {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
    String(f.Properties.Runtime).startsWith('nodejs'),
  );

  it('bundles each handler into an ESM index.mjs with its source map and the require banner', () => {
    const handlers = collectHandlers(topology);
    expect(functions).toHaveLength(handlers.size);
    const shipped = new Set(
      [...handlers.values()].flatMap((use) => [...use.files].map((f) => path.basename(f))),
    );
    for (const fn of functions) {
      expect(fn.Properties.Handler).toBe('index.handler');
      const dir = assetDirOf(fn);
      // Besides the bundle, only the files a route declares it reads at run time.
      const extra = readdirSync(dir).filter((f) => f !== 'index.mjs' && f !== 'index.mjs.map');
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      for (const file of extra) expect(shipped.has(file)).toBe(true);
      const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as __omsCreateRequire } from 'node:module';")).toBe(
        true,
      );
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    }
  });

  it('ships the files a route reads at run time beside its bundle', () => {
    const docs = stack.functions.get('functions/docs/asset.ts');
    expect(docs).toBeDefined();
    const fn = template.toJSON().Resources[stack.getLogicalId(docs!.fn.node.defaultChild as never)];
    expect(readdirSync(assetDirOf(fn)).sort()).toEqual([
      'index.mjs',
      'index.mjs.map',
      'swagger-ui-bundle.js',
      'swagger-ui.css',
    ]);
  });

  it('a bundle is self-contained: copied away from node_modules it still loads and exports handler', () => {
    const ready = stack.functions.get('functions/health/ready.ts') ?? [...stack.functions.values()][0]!;
    const fn = template.toJSON().Resources[stack.getLogicalId(ready.fn.node.defaultChild as never)];
    const isolated = mkdtempSync(path.join(tmpdir(), 'oms-bundle-'));
    try {
      cpSync(assetDirOf(fn), isolated, { recursive: true });
      // In a child process: loading the handler creates SDK clients whose sockets would keep jest's worker alive.
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(path.join(isolated, 'index.mjs')).href)}); console.log(typeof m.handler); process.exit(0);`,
        ],
        { cwd: isolated, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' } },
      );
      expect(out.trim()).toBe('function');
    } finally {
      rmSync(isolated, { recursive: true, force: true });
    }
  });

  it('stages the bridge image context without node_modules, tests or the CDK output', () => {
    const docker = readdirSync(outdir).filter(
      (d) => d.startsWith('asset.') && existsSync(path.join(outdir, d, 'ib-bridge')),
    );
    expect(docker).toHaveLength(1);
    const context = path.join(outdir, docker[0]!);
    const entries = readdirSync(context).sort();
    expect(entries).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'core', 'ib-bridge']),
    );
    for (const absent of ['node_modules', 'test', 'cdk.out', 'lib', '.git'])
      expect(entries).not.toContain(absent);
    expect(existsSync(path.join(context, 'ib-bridge', 'Dockerfile'))).toBe(true);
  });
});
