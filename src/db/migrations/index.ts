import type { Migration } from 'kysely';
import * as initial from './2026_11_29_001_initial.ts';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '2026_11_29_001_initial': initial,
};
