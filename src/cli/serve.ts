import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { migrateOrThrow } from '../db/migrate.ts';
import { startMailDelivery } from '../mail/mail-sender.ts';
import { createRuntime } from '../runtime.ts';

/** Listens until SIGTERM/SIGINT, then stops taking requests, lets in-flight ones finish and closes the database. */
export async function serve(options: { migrate: boolean }): Promise<number> {
  const config = loadConfig();
  const runtime = createRuntime(config);
  if (options.migrate || runtime.database.dialect === 'sqlite') await migrateOrThrow(runtime.database.db);
  const app = await buildApp(config, runtime.deps);
  for (const warning of runtime.warnings) app.log.warn(`INSECURE DEFAULT: ${warning}`);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Gatehouse is serving ${config.publicUrl.origin}/signin`);
  const mailSender = startMailDelivery(config, runtime.deps, app.log);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      await app.close();
      await mailSender?.stop();
      await runtime.database.close();
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
