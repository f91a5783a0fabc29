import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const config = join(root, '.dependency-cruiser.cjs');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');

function cruise(cwd: string, dirs: string[]) {
  const run = spawnSync(process.execPath, [depcruise, '--config', config, '--output-type', 'err', ...dirs], {
    cwd,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** A throwaway project with the real node_modules, so the rule is tested exactly as CI runs it. */
function sandbox(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oms-arch-'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { allowImportingTsExtensions: true, noEmit: true, module: 'NodeNext' },
    }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('dependency rule', () => {
  it('holds for the project as it is', () => {
    const result = cruise(root, [
      'core',
      'adapters',
      'functions',
      'local',
      'ib-bridge',
      'lib',
      'bin',
      'client',
      'cli',
    ]);
    expect(result.output).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('fails when core/ imports the AWS SDK', () => {
    const dir = sandbox({
      'core/order.ts':
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = new DynamoDBClient({});\n",
    });
    try {
      const result = cruise(dir, ['core']);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('core-is-pure');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when core/ imports an outer layer or a handler imports the CDK app', () => {
    const dir = sandbox({
      'core/a.ts': "import { x } from '../adapters/b.ts';\nexport const a = x;\n",
      'adapters/b.ts': 'export const x = 1;\n',
      'functions/h.ts': "import { s } from '../lib/stack.ts';\nexport const h = s;\n",
      'lib/stack.ts': 'export const s = 1;\n',
    });
    try {
      const result = cruise(dir, ['core', 'adapters', 'functions', 'lib']);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('core-is-pure');
      expect(result.output).toContain('runtime-never-imports-cdk');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when the bridge needs a devDependency or a file its image does not hold', () => {
    const dir = sandbox({
      'package.json': JSON.stringify({ dependencies: { zod: '*' }, devDependencies: { 'fast-check': '*' } }),
      'ib-bridge/a.ts':
        "import fc from 'fast-check';\nimport { z } from 'zod';\nimport { l } from '../local/l.ts';\nexport const a = [fc, z, l];\n",
      'local/l.ts': 'export const l = 1;\n',
    });
    try {
      const result = cruise(dir, ['ib-bridge', 'local']);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(
        /runtime-uses-only-production-dependencies: ib-bridge\/a\.ts → \S*node_modules\/fast-check/,
      );
      expect(result.output).not.toMatch(/node_modules\/zod/);
      expect(result.output).toContain('bridge-image-holds-what-the-bridge-imports');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('fails when the bridge imports DynamoDB or a store adapter instead of the ports', () => {
    const dir = sandbox({
      'package.json': JSON.stringify({ dependencies: { '@aws-sdk/client-dynamodb': '*' } }),
      'ib-bridge/a.ts':
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { s } from '../adapters/dynamodb/store.ts';\nimport { f } from '../adapters/bridge-stores.ts';\nexport const a = [DynamoDBClient, s, f];\n",
      'adapters/dynamodb/store.ts': 'export const s = 1;\n',
      'adapters/bridge-stores.ts': 'export const f = 1;\n',
    });
    try {
      const result = cruise(dir, ['ib-bridge', 'adapters']);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(
        /bridge-sees-stores-through-ports: ib-bridge\/a\.ts → \S*node_modules\/@aws-sdk\/client-dynamodb/,
      );
      expect(result.output).toMatch(
        /bridge-sees-stores-through-ports: ib-bridge\/a\.ts → adapters\/dynamodb\/store\.ts/,
      );
      expect(result.output).not.toMatch(/ib-bridge\/a\.ts → adapters\/bridge-stores\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a store or a handler uses the document client instead of the table toolkit', () => {
    const dir = sandbox({
      'package.json': JSON.stringify({ dependencies: { '@aws-sdk/lib-dynamodb': '*' } }),
      'adapters/dynamodb/store.ts':
        "import { GetCommand } from '@aws-sdk/lib-dynamodb';\nexport const s = GetCommand;\n",
      'functions/h.ts': "import { PutCommand } from '@aws-sdk/lib-dynamodb';\nexport const h = PutCommand;\n",
      'adapters/identity/local.ts':
        "import { GetCommand } from '@aws-sdk/lib-dynamodb';\nexport const l = GetCommand;\n",
    });
    try {
      const result = cruise(dir, ['adapters', 'functions']);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(
        /stores-use-the-table-toolkit: adapters\/dynamodb\/store\.ts → \S*lib-dynamodb/,
      );
      expect(result.output).toMatch(/stores-use-the-table-toolkit: functions\/h\.ts → \S*lib-dynamodb/);
      expect(result.output).not.toMatch(/adapters\/identity\/local\.ts → /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when the client reaches into the server or the CLI bypasses the client', () => {
    const dir = sandbox({
      'client/index.ts': "import { o } from '../functions/docs/openapi.ts';\nexport const c = o;\n",
      'functions/docs/openapi.ts': 'export const o = 1;\n',
      'cli/main.ts': "import { k } from '../core/keys.ts';\nexport const m = k;\n",
      'core/keys.ts': 'export const k = 1;\n',
    });
    try {
      const result = cruise(dir, ['client', 'cli']);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('client-stands-alone');
      expect(result.output).toContain('cli-speaks-http-only');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
