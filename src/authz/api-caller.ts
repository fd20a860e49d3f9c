import type { Principal } from '../identities/principal.ts';

/** Who signed a Query API request (or a request a service forwards to the authorization API), and with what. */
export interface Caller {
  principal: Principal;
  accessKeyId: string;
  /**
   * Long-term access key (AKIA…) or temporary credentials (ASIA…) from GetSessionToken or, when
   * the principal is an assumed role, from AssumeRole.
   */
  credentialType: 'access-key' | 'session';
  /** The long-term key behind the credentials (itself, for an access key). */
  sourceKeyId: string;
  region: string;
  /** The service of the credential scope: `iam` or `sts` for the Query API, any name for a forwarded request. */
  service: string;
  /**
   * When MFA was proved for these temporary credentials (GetSessionToken or AssumeRole with a
   * TokenCode, or assumed with credentials that had it); null otherwise. For aws:MultiFactorAuthPresent/Age.
   */
  mfaAt?: string | null;
  /** When temporary credentials expire; absent for an access key. */
  expiresAt?: string;
  /** The SigV4 key derived for the request's scope (`DATE/REGION/SERVICE/aws4_request`), which verified it. */
  signingKey?: { key: Buffer; scope: string };
}
