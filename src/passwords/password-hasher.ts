import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` in @node-rs/argon2 (an ambient const enum, so named here by value). */
const ARGON2ID = 2;
import { randomBytes } from 'node:crypto';
import { GatehouseError } from '../shared/errors.ts';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing on libuv's thread pool, behind a semaphore: at most `concurrency`
 * hashes run at once, at most `queueLimit` wait, and beyond that callers get
 * `Overloaded` at once instead of latency that grows without bound.
 * Passwords are NFKC-normalised first, so the same characters typed on another
 * keyboard still match.
 */
export class PasswordHasher {
  readonly #params: Argon2Params;
  readonly #concurrency: number;
  readonly #queueLimit: number;
  readonly #waiting: Array<() => void> = [];
  #active = 0;
  #dummyHash: Promise<string> | undefined;

  constructor(params: Argon2Params, limits: { concurrency: number; queueLimit: number }) {
    this.#params = { ...params };
    this.#concurrency = limits.concurrency;
    this.#queueLimit = limits.queueLimit;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async hash(password: string): Promise<string> {
    return this.#run(() => argon2Hash(password.normalize('NFKC'), { ...this.#params, algorithm: ARGON2ID }));
  }

  /** False for a wrong password and for a stored value that is not a valid hash. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    return this.#run(async () => {
      try {
        return await argon2Verify(storedHash, password.normalize('NFKC'));
      } catch {
        return false;
      }
    });
  }

  /**
   * Spends the same work as a real verification and returns false: used when there is
   * no real hash to check (unknown user, no login profile), so failures take equal time.
   */
  async verifyDummy(password: string): Promise<false> {
    // Not kept when it fails (a full queue), or every later dummy check would fail too.
    this.#dummyHash ??= this.hash(randomBytes(16).toString('hex')).catch((error: unknown) => {
      this.#dummyHash = undefined;
      throw error;
    });
    await this.verify(await this.#dummyHash, password);
    return false;
  }

  /** True when the stored hash used weaker parameters (or another algorithm) than configured now. */
  needsRehash(storedHash: string): boolean {
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(storedHash);
    if (!match) return true;
    const [m, t, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return m < this.#params.memoryCost || t < this.#params.timeCost || p !== this.#params.parallelism;
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#concurrency) {
      if (this.#waiting.length >= this.#queueLimit) {
        throw new GatehouseError('Overloaded', 'The service is busy. Try again in a moment.');
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      // Hand the slot straight to the next waiter; only free it when nobody waits.
      if (next) next();
      else this.#active--;
    }
  }
}
