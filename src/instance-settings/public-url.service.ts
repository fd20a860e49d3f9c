import type { Deps } from '../deps.ts';
import { readSetting, writeSetting } from './instance-settings.repository.ts';

const PUBLIC_URL = 'public_url';

/**
 * `serve` records the origin it serves (PUBLIC_URL, or the one made from HOST and PORT), so
 * commands run elsewhere against the same database (the CLI has its own environment) build
 * links in mail that lead to the server rather than to a default port.
 */
export async function recordPublicUrl(deps: Pick<Deps, 'db' | 'clock'>, origin: string): Promise<void> {
  await writeSetting(deps.db, PUBLIC_URL, origin, deps.clock.now().toISOString());
}

/** The origin a server recorded last, or null when none has run on this database. */
export async function recordedPublicUrl(deps: Pick<Deps, 'db'>): Promise<string | null> {
  return readSetting(deps.db, PUBLIC_URL);
}
