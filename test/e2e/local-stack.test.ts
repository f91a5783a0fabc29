import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { freePort } from '../../local/ports.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'oms-stack-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  output: () => string;
  baseUrl: string;
  dynamoEndpoint: string;
}

/** Runs `npm start`'s entry point as a user would, and waits for its ready line. */
function startStack(port: number): Promise<Started> {
  const child = spawn(process.execPath, ['bin/local.ts'], {
    cwd: root,
    env: { ...process.env, OMS_PORT: String(port), OMS_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready: (http:\/\/\S+)/.exec(output);
      const dynamo = /DynamoDB Local\s+(http:\/\/\S+)/.exec(output);
      if (ready?.[1] && dynamo?.[1]) {
        resolve({ child, output: () => output, baseUrl: ready[1], dynamoEndpoint: dynamo[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
  });
}

/** Every process below `pid`, so the test can check none outlives the stack. */
function descendants(pid: number): number[] {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout;
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined) continue;
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const all: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      all.push(c);
      walk(c);
    }
  };
  walk(pid);
  return all;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function interrupt(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGINT');
  return exited;
}

function documentClient(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return DynamoDBDocumentClient.from(client);
}

/**
 * Issue 15, finding 10: each process gets only the secrets it needs. The bridge signs no tokens and
 * pages no listings, so neither the identity provider's private key nor the cursor key may be in
 * its environment.
 */
function expectNoSecretsInBridge(children: number[]): void {
  const signingKey = JSON.parse(readFileSync(join(dataDir, 'identity', 'signing-key.json'), 'utf8')) as {
    privateJwk: { d: string };
  };
  const cursorKey = readFileSync(join(dataDir, 'identity', 'cursor-key'), 'utf8').trim();
  const bridges = children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ib-bridge');
    } catch {
      return false;
    }
  });
  expect(bridges.length).toBeGreaterThan(0);
  for (const pid of bridges) {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    expect(environ).not.toContain(signingKey.privateJwk.d);
    expect(environ).not.toContain(cursorKey);
  }
}

describe('npm start', () => {
  it('serves /health, stops every child on SIGINT, and keeps its data across restarts', async () => {
    const port = await freePort();
    const first = await startStack(port);
    const health = await fetch(`${first.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(first.baseUrl).toBe(`http://127.0.0.1:${port}`);

    const doc = documentClient(first.dynamoEndpoint);
    await doc.send(new PutCommand({ TableName: 'oms', Item: { pk: 'SYSTEM', sk: 'E2E', note: 'kept' } }));
    doc.destroy();

    const children = descendants(first.child.pid as number);
    expect(children.length).toBeGreaterThan(0); // the DynamoDB Local JVM at least
    expectNoSecretsInBridge(children);
    expect(await interrupt(first)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(children.filter(alive)).toEqual([]);

    const second = await startStack(port);
    const again = documentClient(second.dynamoEndpoint);
    const { Item } = await again.send(new GetCommand({ TableName: 'oms', Key: { pk: 'SYSTEM', sk: 'E2E' } }));
    again.destroy();
    expect(Item?.note).toBe('kept');
    expect(await interrupt(second)).toBe(0);
    // Two start-ups, each with both demo tenants' bridges and paper gateways, on a shared 2-core machine.
  }, 240_000);

  it('says clearly, without a stack trace, that Java is missing', () => {
    const run = spawnSync(process.execPath, ['bin/local.ts'], {
      cwd: root,
      env: { ...process.env, PATH: '/nonexistent', OMS_PORT: '0', OMS_DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('DynamoDB Local needs Java 17 or newer');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('says clearly, without a stack trace, that the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const run = spawnSync(process.execPath, ['bin/local.ts'], {
        cwd: root,
        env: { ...process.env, OMS_PORT: String(port), OMS_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`Port ${port} for the HTTP gateway (OMS_PORT) is already in use`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
