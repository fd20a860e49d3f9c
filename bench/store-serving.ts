import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ObjectFiles } from '../examples/s3-store/object-files.ts';
import { freePort } from '../test/support/listen.ts';
import { CHILD_EXEC_ARGV, type Serving, servedBy } from './serving.ts';
import type { SigningCredentials } from './sigv4-signer.ts';

/** What bench/store-instance.ts serves, passed whole in `BENCH_STORE`. */
export interface StoreConfig {
  port: number;
  dataDir: string;
  /** Gatehouse's base URL, which the store's Authorizer asks. */
  gatehouse: string;
  /** The store's own Gatehouse key (it needs gatehouse:AuthorizeRequest); null serves the store open, without a guard. */
  service: SigningCredentials | null;
}

/** The object every store row reads: `/STORE_BUCKET/STORE_KEY`, 1 KiB of ASCII (so the load process can compare it as text). */
export const STORE_BUCKET = 'bench';
export const STORE_KEY = 'object-1k';
export const OBJECT_CONTENT = '0123456789abcdef'.repeat(64);

/**
 * The example store in a process of its own on a free port, its data in a temp dir holding the
 * one bench object; the dir goes when the store stops.
 */
export async function serveStore(gatehouse: string, service: SigningCredentials | null): Promise<Serving> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-store-'));
  try {
    const files = new ObjectFiles(dataDir);
    const now = new Date();
    await files.createBucket(STORE_BUCKET, now);
    const open = () => Readable.from([Buffer.from(OBJECT_CONTENT)]);
    await files.putObject(STORE_BUCKET, STORE_KEY, open, 'application/octet-stream', now, () => ({}));
    const config: StoreConfig = { port: await freePort(), dataDir, gatehouse, service };
    const script = fileURLToPath(new URL('./store-instance.ts', import.meta.url));
    const store = fork(script, [], {
      env: { ...process.env, BENCH_STORE: JSON.stringify(config) },
      execArgv: CHILD_EXEC_ARGV,
    });
    const serving = await servedBy([store], [`http://127.0.0.1:${config.port}`]);
    return {
      ...serving,
      async stop() {
        await serving.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
