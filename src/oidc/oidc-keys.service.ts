import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { insertSigningKey, listSigningKeys } from './oidc-keys.repository.ts';

/** A private signing key as JWK, as the provider takes it. */
export type SigningJwk = Record<string, unknown> & { kid: string; kty: string };

/** Generations kept after a rotation: the newest signs, the others verify tokens they signed until those expire. */
export const KEPT_GENERATIONS = 3;

/** The secret box private signing keys are sealed in (associated data: the kid). */
export const OIDC_SIGNING_KEY_PURPOSE = 'oidc-signing-key';
const PURPOSE = OIDC_SIGNING_KEY_PURPOSE;

function newKey(): { kid: string; jwk: string } {
  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, jwk: JSON.stringify(jwk) };
}

async function addGeneration(deps: Deps, generation: number): Promise<boolean> {
  const { kid, jwk } = newKey();
  return insertSigningKey(deps.db, {
    generation,
    kid,
    privateSealed: deps.keyring.box(PURPOSE).seal(jwk, kid),
    createdAt: deps.clock.now().toISOString(),
  });
}

/**
 * The provider's signing keys, newest first (the first signs). On the first start the first
 * key is made here; instances starting at once race for generation 1 and all read the winner.
 */
export async function loadSigningKeys(deps: Deps): Promise<SigningJwk[]> {
  let rows = await listSigningKeys(deps.db);
  if (rows.length === 0) {
    await addGeneration(deps, 1);
    rows = await listSigningKeys(deps.db);
  }
  return rows.slice(0, KEPT_GENERATIONS).map((row) => {
    const opened = deps.keyring.box(PURPOSE).open(row.privateSealed, row.kid);
    if (opened === null) throw new Error(`The OpenID Connect signing key ${row.kid} does not open under SECRET_KEY.`);
    return JSON.parse(opened) as SigningJwk;
  });
}

/** Public keys by kid, per keyring: a kid names one key for good, so its public half is derived once. */
const publicByKeyring = new WeakMap<object, Map<string, SigningJwk>>();

/**
 * The public halves of the keys the provider signs with (newest three generations), for checking
 * its tokens without a network: one read of the key table, and a private key opened only the
 * first time its kid is seen. Makes no key (no table rows: nothing was ever signed).
 */
export async function publicSigningKeys(deps: Deps): Promise<SigningJwk[]> {
  let known = publicByKeyring.get(deps.keyring);
  if (!known) {
    known = new Map();
    publicByKeyring.set(deps.keyring, known);
  }
  const rows = (await listSigningKeys(deps.db)).slice(0, KEPT_GENERATIONS);
  const keys = rows.map((row) => {
    let key = known.get(row.kid);
    if (!key) {
      const opened = deps.keyring.box(PURPOSE).open(row.privateSealed, row.kid);
      if (opened === null) throw new Error(`The OpenID Connect signing key ${row.kid} does not open under SECRET_KEY.`);
      const { kid, alg, use, ...jwk } = JSON.parse(opened) as SigningJwk;
      const exported = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ format: 'jwk' });
      key = { ...exported, kid, alg, use } as SigningJwk;
      known.set(row.kid, key);
    }
    return key;
  });
  for (const kid of known.keys()) if (!rows.some((row) => row.kid === kid)) known.delete(kid);
  return keys;
}

/** Adds a new signing key; the previous ones stay published. Instances sign with it once restarted. */
export async function rotateSigningKey(deps: Deps): Promise<{ kid: string; generation: number }> {
  const rows = await listSigningKeys(deps.db);
  const generation = (rows[0]?.generation ?? 0) + 1;
  if (!(await addGeneration(deps, generation)))
    throw new Error('Another rotation of the signing keys ran at the same time; run it again.');
  const added = (await listSigningKeys(deps.db))[0]!;
  return { kid: added.kid, generation: added.generation };
}

/** The published keys (kid and generation), newest first. */
export async function describeSigningKeys(
  deps: Deps,
): Promise<{ kid: string; generation: number; createdAt: string }[]> {
  return (await listSigningKeys(deps.db))
    .slice(0, KEPT_GENERATIONS)
    .map(({ kid, generation, createdAt }) => ({ kid, generation, createdAt }));
}
