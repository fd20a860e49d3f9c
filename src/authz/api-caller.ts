import type { Principal } from '../identities/principal.ts';

/** Who signed a Query API request, and with what. */
export interface Caller {
  principal: Principal;
  accessKeyId: string;
  /** Long-term access key (AKIA…) or temporary credentials from GetSessionToken (ASIA…). */
  credentialType: 'access-key' | 'session';
  /** The long-term key behind the credentials (itself, for an access key). */
  sourceKeyId: string;
  region: string;
  service: 'iam' | 'sts';
  /** When MFA was proved for these credentials (GetSessionToken with a TokenCode); null otherwise. For aws:MultiFactorAuthPresent/Age. */
  mfaAt?: string | null;
}
