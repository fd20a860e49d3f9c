import { randomInt } from 'node:crypto';
import { type Challenge, type Payload, createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { SecurityCheckSettings } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import { MINUTE } from '../shared/clock.ts';
import type { Keyring } from '../shared/keyring.ts';
import type { CounterStore } from './counter-store.ts';
import type { RiskLevel } from './throttle.ts';

/** How long a challenge may be solved and presented. */
export const CHECK_LIFETIME_MS = 10 * MINUTE;
const ALGORITHM = 'PBKDF2/SHA-256';

/** The form field the widget puts its answer in (its `name`), for `readForm` specs. */
export const CHECK_FIELD = { altcha: { max: 4096, optional: true } } as const;

/** Why a presented check was not accepted; each has its own message on the page. */
export type CheckProblem = 'missing' | 'expired' | 'invalid' | 'replayed' | 'too-easy';

/** What the page says for each problem; the form always carries a fresh challenge with it. */
export const CHECK_MESSAGES: Record<CheckProblem, string> = {
  missing: 'Complete the security check, then send the form again.',
  expired: 'The security check expired — it has been refreshed; try again.',
  invalid: 'The security check could not be verified — it has been refreshed; try again.',
  replayed: 'That security check was already used — it has been refreshed; try again.',
  'too-easy':
    'More caution is needed now, so the security check asks for more work — it has been refreshed; try again.',
};

/**
 * The security check: a proof-of-work challenge (ALTCHA, PBKDF2-SHA-256) signed by this
 * server, solved by the visitor's browser, accepted once within ten minutes. The expiry
 * lives in the signed data and is judged by Gatehouse's clock; the used-challenge markers
 * live in the shared counter store, so a solution is spent on every instance at once.
 */
export class SecurityCheck {
  readonly #signatureSecret: string;
  readonly #keySecret: string;

  constructor(
    keyring: Keyring,
    readonly settings: SecurityCheckSettings,
    private readonly store: CounterStore,
    private readonly clock: Clock,
  ) {
    this.#signatureSecret = keyring.macKey('gatehouse security check v1').toString('hex');
    this.#keySecret = keyring.macKey('gatehouse security check key v1').toString('hex');
  }

  /** A new challenge; each risk level above the first doubles the expected work. Level 0 is issued as 1. */
  async issue(requested: RiskLevel): Promise<Challenge> {
    const level = Math.max(1, requested);
    const work = this.settings.work * 2 ** Math.max(0, level - 1);
    const expires = this.clock.now().getTime() + CHECK_LIFETIME_MS;
    return createChallenge({
      algorithm: ALGORITHM,
      cost: this.settings.cost,
      counter: randomInt(Math.ceil(work / 2), Math.ceil(work * 1.5) + 1),
      deriveKey,
      data: { expires, level },
      hmacSignatureSecret: this.#signatureSecret,
      hmacKeySignatureSecret: this.#keySecret,
    });
  }

  /**
   * Checks a presented payload (the widget's base64 JSON) and spends it. `required` is the risk
   * at the moment of the attempt: a solution to an easier challenge (issued when risk was lower,
   * or asked for at a lower level) is refused, so the work always matches the risk.
   */
  async verify(presented: string | undefined, required: RiskLevel): Promise<CheckProblem | null> {
    if (!presented) return 'missing';
    const payload = decode(presented);
    if (!payload) return 'invalid';
    const now = this.clock.now().getTime();
    const { expires, level } = payload.challenge.parameters.data ?? {};
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: this.#signatureSecret,
      hmacKeySignatureSecret: this.#keySecret,
    }).catch(() => null);
    if (!result?.verified || typeof expires !== 'number' || typeof level !== 'number') return 'invalid';
    if (expires <= now) return 'expired';
    if (level < required) return 'too-easy';
    const claimed = await this.store.claimOnce(`check:${payload.challenge.signature}`, expires, now);
    return claimed ? null : 'replayed';
  }
}

function decode(presented: string): Payload | null {
  if (presented.length > 4096) return null;
  try {
    const value = JSON.parse(Buffer.from(presented, 'base64').toString('utf8')) as Payload;
    const ok =
      typeof value === 'object' &&
      value !== null &&
      typeof value.challenge?.signature === 'string' &&
      typeof value.challenge.parameters === 'object' &&
      value.challenge.parameters !== null &&
      value.challenge.parameters.algorithm === ALGORITHM &&
      typeof value.solution === 'object' &&
      value.solution !== null;
    return ok ? value : null;
  } catch {
    return null;
  }
}
