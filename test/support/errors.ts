import { expect } from 'vitest';
import { GatehouseError } from '../../src/shared/errors.ts';

/** The GatehouseError `work` fails with; the test fails if it succeeds or fails otherwise. */
export async function failure(work: Promise<unknown> | (() => Promise<unknown>)): Promise<GatehouseError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error('expected a failure');
}
