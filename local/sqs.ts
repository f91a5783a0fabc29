import { mkdir } from 'node:fs/promises';
import { startFauxqs } from 'fauxqs';

/** A running SQS emulator. */
export interface LocalSqs {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts fauxqs in-process on a free port; `dataDir` persists queues and messages (SQLite). */
export async function startLocalSqs(options: { dataDir?: string } = {}): Promise<LocalSqs> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = await startFauxqs({
    port: 0,
    logger: false,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, port: server.port, stop: () => server.stop() };
}
