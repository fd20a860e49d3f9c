import { type AccessKeyRecord, findAccessKeyWithPrincipal } from '../access-keys/access-key.repository.ts';
import { noteAccessKeyUse, openKeySecret } from '../access-keys/access-key.service.ts';
import type { Principal } from '../identities/principal.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { matchesHash } from '../shared/secrets.ts';
import {
  type IncomingRequest,
  SIGNATURE_MISMATCH_MESSAGE,
  type SignatureParts,
  type SkewCode,
  prepareSignature,
  securityTokenOf,
  signatureMatches,
  signatureParts,
} from '../sigv4/sigv4.ts';
import type { Caller } from '../authz/api-caller.ts';
import { findSessionCredentialWithPrincipal } from '../sts/session-credential.repository.ts';

const INVALID_TOKEN = 'The security token included in the request is invalid.';

function invalidToken(): GatehouseError {
  return new GatehouseError('InvalidClientTokenId', INVALID_TOKEN);
}

/**
 * A check the caller of `authenticate` makes on a signature that verified, before the key's use
 * is recorded: may this principal's request be accepted here at all (the authorization API asks
 * whether the key's account trusts the service that forwarded it). It throws to refuse.
 */
export type Admission = (principal: Principal) => Promise<void>;

/**
 * SigV4 authentication: the request time and scope, then the credential (an active
 * access key, or unexpired temporary credentials with their session token), then the
 * signature, compared in constant time. Returns the caller, or throws the AWS error.
 * The credential and its principal are read in one query; the principal counts only once
 * the signature is right. `service` is the one the credential scope must name: `iam` or `sts`
 * for the Query API, `gatehouse` for the authorization API's own callers, the scope's own
 * service for a request a service forwards. `parts` are the request's signature parts when
 * the caller has read them already; `skewCode` the code a header-signed request outside the
 * allowed clock skew is refused with.
 */
export async function authenticate(
  deps: Deps,
  request: IncomingRequest,
  service: string,
  options: { parts?: SignatureParts; admit?: Admission; skewCode?: SkewCode } = {},
): Promise<Caller> {
  const parts = options.parts ?? signatureParts(request);
  const prepared = prepareSignature(parts, request, deps.clock.now(), service, options.skewCode);
  const token = securityTokenOf(parts, request);
  const { accessKeyId, scope } = parts;

  let sealed: string;
  let credentialType: Caller['credentialType'];
  let sourceKeyId: string;
  let mfaAt: string | null = null;
  let expiresAt: string | undefined;
  let key: AccessKeyRecord | null = null;
  let principal: Principal | null;
  if (accessKeyId.startsWith('AKIA')) {
    const found = await findAccessKeyWithPrincipal(deps.db, accessKeyId);
    key = found?.key ?? null;
    // An inactive key is refused like an unknown one (AWS's exact answer for it is not documented).
    if (key?.status !== 'Active' || token !== undefined) throw invalidToken();
    principal = found!.principal;
    sealed = key.secretSealed;
    credentialType = 'access-key';
    sourceKeyId = key.id;
  } else if (accessKeyId.startsWith('ASIA')) {
    const found = await findSessionCredentialWithPrincipal(deps.db, accessKeyId);
    const session = found?.credential;
    if (!session || token === undefined || !matchesHash(token, session.tokenHash)) throw invalidToken();
    principal = found.principal;
    if (deps.clock.now().toISOString() >= session.expiresAt) {
      throw new GatehouseError('ExpiredToken', 'The security token included in the request is expired');
    }
    sealed = session.secretSealed;
    credentialType = 'session';
    sourceKeyId = session.sourceKeyId;
    mfaAt = session.mfaAt ?? null;
    expiresAt = session.expiresAt;
  } else {
    throw invalidToken();
  }

  const signingKey = deps.caches.signingKeys.get(accessKeyId, scope.date, scope.region, scope.service, () =>
    openKeySecret(deps, accessKeyId, sealed),
  );
  if (!signingKey) throw invalidToken();
  if (!signatureMatches(signingKey, prepared, parts.signature))
    throw new GatehouseError('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE);

  if (!principal) throw invalidToken();
  if (options.admit) await options.admit(principal);
  if (key) await noteAccessKeyUse(deps, key, service, scope.region);
  return {
    principal,
    accessKeyId,
    credentialType,
    sourceKeyId,
    region: scope.region,
    service,
    mfaAt,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    signingKey: { key: signingKey, scope: prepared.scope },
  };
}
