import type { Generated } from 'kysely';

/**
 * Table types as Kysely sees them. Times are ISO-8601 UTC text (sortable, portable);
 * flags are 0/1 integers; IDs are made in application code. A principal is the root
 * user (principal_id = the account ID) or an IAM user (principal_id = its AIDA… ID).
 */
export interface Database {
  accounts: AccountsTable;
  root_users: RootUsersTable;
  users: UsersTable;
  login_profiles: LoginProfilesTable;
  password_history: PasswordHistoryTable;
  password_policies: PasswordPoliciesTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
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
  /** Set while the session may do only one thing, e.g. `password_change_required`. */
  restriction: string | null;
  source_ip: string;
  user_agent: string;
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
