import type { Migration } from 'kysely';
import * as initial from './2026_11_29_001_initial.ts';
import * as mailAndRecovery from './2026_11_29_002_mail_and_recovery.ts';
import * as queryApi from './2026_11_29_003_query_api.ts';
import * as mfa from './2026_11_29_005_mfa.ts';
import * as policies from './2026_11_29_006_policies.ts';
import * as throttle from './2026_11_29_007_throttle.ts';
import * as doctorAndSupport from './2026_11_29_008_doctor_and_support.ts';
import * as auditByActor from './2026_11_29_009_audit_by_actor.ts';
import * as permissionsBoundary from './2026_11_29_010_permissions_boundary.ts';
import * as mailHardening from './2026_12_04_011_mail_hardening.ts';
import * as jobs from './2026_12_04_012_jobs.ts';
import * as policyTags from './2026_12_04_014_policy_tags.ts';
import * as cacheInvalidations from './2026_12_05_015_cache_invalidations.ts';
import * as roles from './2026_12_05_016_roles.ts';
import * as oidc from './2026_12_05_020_oidc.ts';
import * as sessionMfaMethod from './2026_12_05_023_session_mfa_method.ts';
import * as authorizationTrusts from './2026_12_05_024_authorization_trusts.ts';
import * as oidcProviders from './2026_12_06_025_oidc_providers.ts';
import * as oidcClientScopes from './2026_12_06_026_oidc_client_scopes.ts';
import * as authorizationCounts from './2026_12_06_027_authorization_counts.ts';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '2026_11_29_001_initial': initial,
  '2026_11_29_002_mail_and_recovery': mailAndRecovery,
  '2026_11_29_003_query_api': queryApi,
  '2026_11_29_005_mfa': mfa,
  '2026_11_29_006_policies': policies,
  '2026_11_29_007_throttle': throttle,
  '2026_11_29_008_doctor_and_support': doctorAndSupport,
  '2026_11_29_009_audit_by_actor': auditByActor,
  '2026_11_29_010_permissions_boundary': permissionsBoundary,
  '2026_12_04_011_mail_hardening': mailHardening,
  '2026_12_04_012_jobs': jobs,
  '2026_12_04_014_policy_tags': policyTags,
  '2026_12_05_015_cache_invalidations': cacheInvalidations,
  '2026_12_05_016_roles': roles,
  '2026_12_05_020_oidc': oidc,
  '2026_12_05_023_session_mfa_method': sessionMfaMethod,
  '2026_12_05_024_authorization_trusts': authorizationTrusts,
  '2026_12_06_025_oidc_providers': oidcProviders,
  '2026_12_06_026_oidc_client_scopes': oidcClientScopes,
  '2026_12_06_027_authorization_counts': authorizationCounts,
};
