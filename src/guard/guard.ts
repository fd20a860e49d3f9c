import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { Metrics } from '../metrics/metrics.ts';
import { SecurityCheck } from './security-check.ts';
import type { Clock } from '../shared/clock.ts';
import type { Keyring } from '../shared/keyring.ts';
import type { CounterStore } from './counter-store.ts';
import { DatabaseCounterStore } from './counter.repository.ts';
import { RedisCounterStore } from './redis-counter-store.ts';
import { Throttle } from './throttle.ts';

/** What stands between a guesser and the password hasher: throttles, the security check, and their counters. */
export interface Guard {
  throttle: Throttle;
  check: SecurityCheck;
  metrics: Metrics;
  /** The key device cookies are signed with (derived from SECRET_KEY). */
  deviceKey: Buffer;
  close(): Promise<void>;
}

export function createGuard(
  config: Pick<Config, 'redisUrl' | 'throttle' | 'securityCheck'>,
  db: Db,
  keyring: Keyring,
  clock: Clock,
  options: { store?: CounterStore } = {},
): Guard {
  const store =
    options.store ?? (config.redisUrl ? new RedisCounterStore(config.redisUrl) : new DatabaseCounterStore(db));
  return {
    throttle: new Throttle(store, config.throttle, config.securityCheck),
    check: new SecurityCheck(keyring, config.securityCheck, store, clock),
    metrics: new Metrics(),
    deviceKey: keyring.macKey('gatehouse device key v1'),
    close: () => store.close(),
  };
}
