/**
 * One tenant's sandbox process: holds that tenant's loaded strategies (one QuickJS instance each)
 * and runs their callbacks one at a time, as the host asks over IPC. It has no credentials and no
 * clients: the host gives it snapshots and takes back what the strategies asked for.
 */
import { loadStrategy, type SandboxedStrategy } from './sandbox.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const loaded = new Map<string, SandboxedStrategy>();

function send(message: FromWorker): void {
  process.send?.(message);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'load': {
      loaded.get(message.key)?.dispose();
      loaded.delete(message.key);
      const sandbox = await loadStrategy(message.compiled, message.limits);
      if ('failure' in sandbox) return send({ type: 'loaded', id: message.id, failure: sandbox.failure });
      loaded.set(message.key, sandbox);
      return send({ type: 'loaded', id: message.id });
    }
    case 'call': {
      const sandbox = loaded.get(message.key);
      if (!sandbox)
        return send({
          type: 'result',
          id: message.id,
          result: {
            ok: false,
            failure: { code: 'STRATEGY_SANDBOX_CRASHED', detail: 'not loaded' },
            cpuMs: 0,
          },
        });
      const result = await sandbox.call(message.input);
      // A failed strategy is dropped at once, so its memory goes back before anything else runs.
      if (!result.ok) {
        sandbox.dispose();
        loaded.delete(message.key);
      }
      return send({ type: 'result', id: message.id, result });
    }
    case 'unload':
      loaded.get(message.key)?.dispose();
      loaded.delete(message.key);
      return send({ type: 'unloaded', id: message.id });
    case 'memory': {
      let wasm = 0;
      for (const s of loaded.values()) wasm += s.memoryBytes();
      const usage = process.memoryUsage();
      return send({
        type: 'memory',
        id: message.id,
        memory: { rss: usage.rss, heapUsed: usage.heapUsed, wasm, strategies: loaded.size },
      });
    }
  }
}

let chain = Promise.resolve();
process.on('message', (message: ToWorker) => {
  chain = chain
    .then(() => handle(message))
    .catch((error: unknown) => {
      process.stderr.write(`strategy worker: ${String(error)}\n`);
    });
});
process.on('disconnect', () => process.exit(0));
