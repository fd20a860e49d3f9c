import type { Generated } from 'kysely';

/**
 * Table types as Kysely sees them. Times are ISO-8601 UTC text (sortable, portable);
 * flags are 0/1 integers; IDs are made in application code. A principal is the root
 * user (principal_id = the account ID) or an IAM user (principal_id = its AIDA… ID).
 */
/** Restrictions a session can carry: it may do only the one thing until it is lifted. */
export type SessionRestriction =
  | 'password_change_required'
  /** The password was right; a second factor is still owed (src/mfa/mfa-signin.service.ts). */
  | 'mfa_required';

/**
 * The second factor a session proved: an authenticator app's code, a security key or passkey,
 * a recovery code, or the root user's alternative factors (email and phone).
 */
export type MfaMethod = 'totp' | 'webauthn' | 'recovery-code' | 'alternative-factors';

export interface Database {
  accounts: AccountsTable;
  root_users: RootUsersTable;
  users: UsersTable;
  login_profiles: LoginProfilesTable;
  password_history: PasswordHistoryTable;
  password_policies: PasswordPoliciesTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  mail_outbox: MailOutboxTable;
  jobs: JobsTable;
  one_time_tokens: OneTimeTokensTable;
  password_help_requests: PasswordHelpRequestsTable;
  access_keys: AccessKeysTable;
  session_credentials: SessionCredentialsTable;
  user_tags: UserTagsTable;
  mfa_devices: MfaDevicesTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_throttle: MfaThrottleTable;
  mfa_sign_in_steps: MfaSignInStepsTable;
  mfa_challenges: MfaChallengesTable;
  phone_outbox: PhoneOutboxTable;
  mfa_recoveries: MfaRecoveriesTable;
  mfa_account_settings: MfaAccountSettingsTable;
  iam_groups: IamGroupsTable;
  roles: RolesTable;
  role_tags: RoleTagsTable;
  group_members: GroupMembersTable;
  managed_policies: ManagedPoliciesTable;
  managed_policy_versions: ManagedPolicyVersionsTable;
  managed_policy_tags: ManagedPolicyTagsTable;
  policy_attachments: PolicyAttachmentsTable;
  inline_policies: InlinePoliciesTable;
  support_references: SupportReferencesTable;
  support_cases: SupportCasesTable;
  credential_reports: CredentialReportsTable;
  throttle_buckets: ThrottleBucketsTable;
  instance_settings: InstanceSettingsTable;
  throttle_failures: ThrottleFailuresTable;
  throttle_once: ThrottleOnceTable;
  throttle_unlocks: ThrottleUnlocksTable;
  cache_invalidations: CacheInvalidationsTable;
  oidc_clients: OidcClientsTable;
  oidc_consents: OidcConsentsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  authorization_trusts: AuthorizationTrustsTable;
  oidc_providers: OidcProvidersTable;
  oidc_provider_client_ids: OidcProviderClientIdsTable;
  authorization_counts: AuthorizationCountsTable;
}

/**
 * IAM roles (AROA… IDs); names are unique per account ignoring case, as in AWS. The trust
 * policy is kept as written; `trust_principal_ids` (JSON, ARN → unique ID) pins each user or
 * role it names, as AWS does.
 */
export interface RolesTable {
  id: string;
  account_id: string;
  name: string;
  name_key: string;
  path: string;
  description: string | null;
  trust_policy: string;
  trust_principal_ids: Generated<string>;
  /** Seconds, 3600–43200. */
  max_session_duration: Generated<number>;
  /** ARN of the managed policy bounding the role's permissions; null: none. */
  permissions_boundary: string | null;
  created_at: string;
  last_used_at: string | null;
  last_used_region: string | null;
}

/** Role tags; keys compare ignoring case, as in AWS. */
export interface RoleTagsTable {
  role_id: string;
  tag_key: string;
  tag_key_lower: string;
  tag_value: string;
  position: Generated<number>;
}

/** IAM groups (AGPA… IDs); names are unique per account ignoring case, as in AWS. */
export interface IamGroupsTable {
  id: string;
  account_id: string;
  name: string;
  name_key: string;
  path: string;
  created_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  added_at: string;
}

/** Customer managed policies (ANPA… IDs); their documents live in managed_policy_versions. */
export interface ManagedPoliciesTable {
  id: string;
  account_id: string;
  name: string;
  name_key: string;
  path: string;
  arn: string;
  description: string | null;
  default_version_id: string;
  /** The number of the next version (`v<n>`); version IDs are never reused. */
  next_version: number;
  created_at: string;
  updated_at: string;
}

/** Tags of customer managed policies; keys are case-sensitive, `position` is the order keys were first given in. */
export interface ManagedPolicyTagsTable {
  policy_id: string;
  tag_key: string;
  tag_value: string;
  position: number;
}

export interface ManagedPolicyVersionsTable {
  policy_id: string;
  version_id: string;
  document: string;
  created_at: string;
}

/** A managed policy (customer or AWS, by ARN) attached to a user or a group. */
export interface PolicyAttachmentsTable {
  account_id: string;
  /** user | group */
  principal_type: string;
  principal_id: string;
  policy_arn: string;
  attached_at: string;
}

/** Inline policies of users and groups. `revision` changes on every write (it keys compiled copies). */
export interface InlinePoliciesTable {
  account_id: string;
  /** user | group */
  owner_type: string;
  owner_id: string;
  name: string;
  document: string;
  revision: string;
  created_at: string;
  updated_at: string;
}

/**
 * MFA devices: virtual (TOTP) and WebAuthn security keys/passkeys. A virtual device with no
 * principal is unassigned (created through the API, or a console enrolment not finished).
 */
export interface MfaDevicesTable {
  id: string;
  account_id: string;
  principal_id: string | null;
  /** The principal a console enrolment is being finished for, until it is enabled. */
  pending_for: string | null;
  /** `arn:aws:iam::<account>:mfa/<path><name>` (virtual) or `…:u2f/…` (security key). */
  serial: string;
  /** totp | webauthn */
  kind: string;
  name: string;
  path: Generated<string>;
  /** The TOTP secret, sealed with AES-256-GCM (src/shared/encryption.ts). */
  totp_secret_sealed: string | null;
  /** The last accepted TOTP time step: a code for it or an earlier one is refused. */
  totp_last_step: number | null;
  /** Steps the device's clock runs ahead (+) or behind (−), learned by resync. */
  totp_offset: Generated<number>;
  webauthn_credential_id: string | null;
  /** COSE public key, base64url. */
  webauthn_public_key: string | null;
  webauthn_counter: number | null;
  /** JSON array of transports the authenticator reported. */
  webauthn_transports: string | null;
  created_at: string;
  enabled_at: string | null;
  last_used_at: string | null;
}

/** Single-use recovery codes; only SHA-256 of each is stored. */
export interface MfaRecoveryCodesTable {
  id: string;
  account_id: string;
  principal_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** Failed second-factor attempts per principal, counted apart from passwords. */
export interface MfaThrottleTable {
  principal_id: string;
  failures: number;
  blocked_until: string | null;
  updated_at: string;
}

/** A session that proved the password and still owes a second factor. */
export interface MfaSignInStepsTable {
  session_id: string;
  /** The restriction the session gets once the second factor is proved (e.g. a password change). */
  next_restriction: SessionRestriction | null;
  created_at: string;
  expires_at: string;
}

/** SMS and voice messages (one-time codes), kept like mail until a phone gateway takes them. */
export interface PhoneOutboxTable {
  id: string;
  account_id: string | null;
  /** E.164 number, e.g. +441234567890. */
  recipient: string;
  /** sms | voice */
  channel: string;
  template: string;
  body: string;
  /** queued | sent | failed */
  status: string;
  attempts: Generated<number>;
  last_reply: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A root user's sign-in with alternative factors (email, then phone); only hashes of its secrets are stored. */
export interface MfaRecoveriesTable {
  id: string;
  account_id: string;
  email_secret_hash: string;
  /** The secret of the "cancel this recovery" link mailed to the owner. */
  cancel_secret_hash: string;
  phone_code_hash: string | null;
  phone_code_expires_at: string | null;
  phone_attempts: Generated<number>;
  email_verified_at: string | null;
  phone_verified_at: string | null;
  /** When both factors are proved and the account's waiting period has passed. */
  ready_at: string | null;
  cancelled_at: string | null;
  completed_at: string | null;
  created_at: string;
  expires_at: string;
}

/** Per-account MFA settings. */
export interface MfaAccountSettingsTable {
  account_id: string;
  /** Hours between proving the alternative factors and signing in with them (0: none). */
  recovery_wait_hours: number;
  updated_at: string;
}

/** WebAuthn challenges issued to a session, one per purpose (register | authenticate). */
export interface MfaChallengesTable {
  session_id: string;
  purpose: string;
  challenge: string;
  expires_at: string;
}

/** Long-term access keys (AKIA…). The secret is sealed (AES-256-GCM), as SigV4 needs it back. */
export interface AccessKeysTable {
  id: string;
  account_id: string;
  /** The account ID for the root user's keys, the AIDA… user ID otherwise. */
  principal_id: string;
  secret_sealed: string;
  /** Active | Inactive */
  status: string;
  created_at: string;
  last_used_at: string | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

/** Temporary credentials (ASIA…) from STS GetSessionToken; only the session token's hash is stored. */
export interface SessionCredentialsTable {
  id: string;
  account_id: string;
  principal_id: string;
  source_key_id: string;
  secret_sealed: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** When MFA was proved for GetSessionToken (aws:MultiFactorAuthPresent / Age); null without MFA. */
  mfa_at: string | null;
  /** AssumeRole only (the principal is then the role): the session's name. */
  role_session_name: string | null;
  source_identity: string | null;
  /** The inline session policy (JSON); null: none. */
  session_policy: string | null;
  /** JSON array of managed policy ARNs passed as PolicyArns; null: none. */
  session_policy_arns: string | null;
  /** JSON array of {key, value}: session tags, inherited ones included. */
  session_tags: string | null;
  /** JSON array of tag keys that pass on when this session assumes another role. */
  transitive_tag_keys: string | null;
  /** ARN of whoever assumed the role (user, role session, root). */
  issuer_arn: string | null;
  /** 1 when assumed with role credentials (role chaining: at most an hour). */
  chained: Generated<number>;
}

/** IAM user tags; keys compare ignoring case, as in AWS. */
export interface UserTagsTable {
  user_id: string;
  tag_key: string;
  tag_key_lower: string;
  tag_value: string;
  /** The order keys were first given in (0 for tags older than the column). */
  position: Generated<number>;
}

/** Mail written in the transaction of the change that caused it, delivered later by the sender. */
export interface MailOutboxTable {
  id: string;
  account_id: string | null;
  recipient: string;
  recipient_key: string;
  template: string;
  subject: string;
  /** Sealed with AES-256-GCM (src/mail/mail-body.ts); '' once sent, or once folded into a digest. */
  text_body: string;
  html_body: string;
  /** queued | sending | sent | deferred | failed | held (past the per-recipient limit) | folded (into the digest `digest_id`) */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  /** The sender instance that claimed the message, and until when the claim holds. */
  lease_owner: string | null;
  lease_until: string | null;
  /** The last SMTP reply or connection error. */
  last_reply: string | null;
  created_at: string;
  sent_at: string | null;
  /** The digest message a held message was folded into. */
  digest_id: string | null;
  /** Messages with the same key to the same address supersede each other while held. */
  replace_key: string | null;
}

/**
 * Work a form left for the background job runner (the sign-in doctor, recovery requests).
 * The payload is sealed under SECRET_KEY with the row's id as associated data, and erased
 * (or the row deleted) once the job is done or has failed for good.
 */
export interface JobsTable {
  id: string;
  kind: string;
  payload_sealed: string | null;
  /** queued | running | failed */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  /** The runner that claimed the job, and until when the claim holds. */
  lease_owner: string | null;
  lease_until: string | null;
  /** The error class of the last failed attempt (never its message: it may quote the payload). */
  last_error: string | null;
  created_at: string;
}

/** Single-use tokens (password reset, email verification, email change); only hashes are stored. */
export interface OneTimeTokensTable {
  id: string;
  purpose: string;
  account_id: string;
  principal_id: string;
  secret_hash: string;
  /** Hash of the equivalent short code, when the token has one. */
  code_hash: string | null;
  /** Purpose-specific data, e.g. the address being verified. */
  payload: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** IAM users who asked their administrators for a password reset. */
export interface PasswordHelpRequestsTable {
  id: string;
  /** password (forgot my password) | mfa (lost my MFA device) */
  kind: Generated<string>;
  account_id: string;
  user_id: string;
  user_name: string;
  source_ip: string | null;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  alias: string | null;
  created_at: string;
}

export interface RootUsersTable {
  account_id: string;
  email: string;
  /** Lower-cased email: the unique key, so addresses compare case-insensitively. */
  email_key: string;
  email_verified: number;
  password_hash: string;
  password_changed_at: string;
  phone: string | null;
  phone_verified: Generated<number>;
  created_at: string;
}

export interface UsersTable {
  id: string;
  account_id: string;
  name: string;
  /** Lower-cased name: unique per account, as AWS compares user names ignoring case. */
  name_key: string;
  path: string;
  is_admin: number;
  contact_email: string | null;
  contact_email_verified: Generated<number>;
  created_at: string;
  /** ARN of the managed policy bounding the user's permissions; null: none. */
  permissions_boundary: string | null;
}

export interface LoginProfilesTable {
  user_id: string;
  password_hash: string;
  password_reset_required: number;
  password_changed_at: string;
  created_at: string;
}

export interface PasswordHistoryTable {
  id: string;
  principal_id: string;
  password_hash: string;
  created_at: string;
}

export interface PasswordPoliciesTable {
  account_id: string;
  minimum_password_length: number;
  require_symbols: number;
  require_numbers: number;
  require_uppercase_characters: number;
  require_lowercase_characters: number;
  allow_users_to_change_password: number;
  max_password_age: number | null;
  password_reuse_prevention: number | null;
  hard_expiry: number;
  /** Whether the last update gave HardExpiry at all (GetAccountPasswordPolicy shows it only then). */
  hard_expiry_given: Generated<number>;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  secret_hash: string;
  account_id: string;
  principal_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** When a second factor was proved in this session; null when none. */
  mfa_at: string | null;
  /** Which second factor that was; null when none, or when the session predates the column. */
  mfa_method: MfaMethod | null;
  /** Set while the session may do only one thing, e.g. `password_change_required`. */
  restriction: SessionRestriction | null;
  source_ip: string;
  user_agent: string;
  /** Set while the console session has switched role: the temporary credentials it acts with. */
  role_credential_id: string | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  time: string;
  account_id: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  event_name: string;
  outcome: string | null;
  reason: string | null;
  target_id: string | null;
  target_name: string | null;
  source_ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * The short code a failed sign-in shows (`Ref 7KQ-3MX`), kept 30 days with the real reason.
 * `identifier_key` and `name_key` are keyed hashes (HMAC) of what was typed, never the text:
 * they let the sign-in doctor match attempts made with a wrong account or identity.
 */
export interface SupportReferencesTable {
  id: string;
  reference: string;
  account_id: string | null;
  audit_event_id: string;
  /** signin-root | signin-user */
  flow: string;
  reason: string;
  identifier_key: string | null;
  name_key: string | null;
  created_at: string;
  expires_at: string;
}

/** Cases opened on /support by people who cannot sign in. */
export interface SupportCasesTable {
  id: string;
  contact_email: string;
  contact_email_key: string;
  /** The account ID or alias as the person gave it, if they did. */
  account_ref: string | null;
  /** The account that reference names, when it exists. */
  account_id: string | null;
  description: string;
  /** open | closed */
  status: string;
  replies: Generated<number>;
  source_ip: string | null;
  created_at: string;
  updated_at: string;
}

/** The newest credential report of each account (GenerateCredentialReport), as CSV. */
export interface CredentialReportsTable {
  account_id: string;
  generated_at: string;
  content: string;
}

/** Token buckets as GCRA: the time (ms since the epoch) the bucket is next empty-handed. */
export interface ThrottleBucketsTable {
  key: string;
  tat_ms: number;
}

/** Consecutive failures per identifier, trusted device or factor; cleared on success. */
export interface ThrottleFailuresTable {
  key: string;
  failures: number;
  last_failure_at: string;
}

/** Used security-check challenges, kept until they expire. */
export interface ThrottleOnceTable {
  key: string;
  expires_ms: number;
}

/** Emailed links that lift a hard stop (hash of the secret only). */
export interface ThrottleUnlocksTable {
  id: string;
  throttle_key: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Settings one instance records for the others and for the command line, e.g. `public_url` (what `serve` uses). */
export interface InstanceSettingsTable {
  name: string;
  value: string;
  updated_at: string;
}

/**
 * Changes the in-process caches of every instance must hear about (src/caches/invalidation-feed.ts): a
 * topic (`session`, `principal`, `account`) and the ID it names. Kept for minutes.
 */
export interface CacheInvalidationsTable {
  seq: Generated<number>;
  topic: string;
  key: string;
  created_at: string;
}

/** Applications that sign people in through Gatehouse (OpenID Connect clients), one account each. */
export interface OidcClientsTable {
  id: string;
  account_id: string;
  name: string;
  /** Sealed under SECRET_KEY; null for a public client (PKCE, no secret). */
  secret_sealed: string | null;
  /** JSON array of URLs. */
  redirect_uris: string;
  /** JSON array of URLs. */
  post_logout_redirect_uris: string;
  /** 1: consent is not asked. */
  first_party: number;
  created_at: string;
  secret_rotated_at: string | null;
  /** The scopes the client may ask for, space-separated (its `scope` metadata). */
  allowed_scopes: string;
}

/** The scopes a person agreed a client may read. */
export interface OidcConsentsTable {
  client_id: string;
  principal_id: string;
  scopes: string;
  created_at: string;
}

/** oidc-provider's records (sessions, interactions, codes, tokens, grants), JSON as it writes them. */
export interface OidcPayloadsTable {
  kind: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

/** The provider's signing keys; the highest generation signs. */
export interface OidcSigningKeysTable {
  generation: number;
  /** The JWK's `kid`. */
  id: string;
  private_sealed: string;
  created_at: string;
}

/**
 * Which services may ask the authorization API about an account's keys: `account_id` trusts the
 * services of `trusted_account_id` with requests to `service` (`*`: any). Rows with both accounts
 * the same narrow the account's own services to the names listed (none: any name).
 */
export interface AuthorizationTrustsTable {
  account_id: string;
  trusted_account_id: string;
  service: string;
  created_at: string;
}

/** IAM OpenID Connect identity providers whose web identities may assume an account's roles. */
export interface OidcProvidersTable {
  account_id: string;
  /** The provider's URL without its scheme (`host/path`), as its ARN names it. */
  url: string;
  /** What the tokens' `iss` must equal (`https://host/path`). */
  issuer: string;
  /** JSON array of 40-digit hexadecimal SHA-1 thumbprints. */
  thumbprints: string;
  /** JSON array of `{ key, value }`. */
  tags: string;
  created_at: string;
}

/** The audiences (client IDs) an OpenID Connect provider's tokens may be for. */
export interface OidcProviderClientIdsTable {
  account_id: string;
  url: string;
  client_id: string;
}

/**
 * The authorization API's decisions counted per minute (`YYYY-MM-DDTHH:MM`, UTC): per account
 * whose key signed the request, calling service (its ARN), action and decision (Allow, Deny).
 */
export interface AuthorizationCountsTable {
  account_id: string;
  minute: string;
  service_arn: string;
  action: string;
  decision: string;
  count: number;
}
