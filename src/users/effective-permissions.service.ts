import type { Deps } from '../deps.ts';
import { type Principal, loadPrincipal } from '../identities/principal.ts';
import type { UserRecord } from '../identities/user.repository.ts';
import { ACTION_CATALOG } from '../policies/action-catalog.ts';
import { contextOf, loadBasis } from '../policies/authorization.service.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import { type PolicyInput, evaluateWithinBoundary } from '../policy-engine/evaluate.ts';
import { GatehouseError } from '../shared/errors.ts';

/**
 * What a user's policies add up to, in a few lines for its page: whether it is an
 * administrator, and which services' actions it may use. Every line is a decision of the
 * policy engine, on the same basis live requests are decided on (the user's and its
 * groups' policies, the password policy's grant, the permissions boundary, its tags),
 * asked about each catalogued IAM and STS action and about each action other services'
 * statements name. Nothing here reads a policy's meaning by itself.
 */

export interface ServiceAccess {
  /** The service prefix, e.g. `iam`, `s3`. */
  service: string;
  /** Catalogued services (IAM, STS): how many actions it has. Null for others. */
  catalogued: number | null;
  /** Actions allowed on every resource (`*`). */
  everywhere: string[];
  /** Actions allowed only on some resources (e.g. on the user itself). */
  someResources: string[];
  /** Actions allowed only when a condition holds that the summary cannot know (source address, MFA, time…). */
  conditional: string[];
}

export interface EffectivePermissions {
  /** Every IAM and STS action on every resource: what AdministratorAccess gives. */
  administrator: boolean;
  /** A statement allows actions of every service (`"Action": "*"`, or a NotAction list). */
  anyService: boolean;
  /** The ARN of the permissions boundary that caps all of this; null when none. */
  boundary: string | null;
  /** Services with at least one action allowed, IAM and STS first, then by name. */
  services: ServiceAccess[];
}

type Decision = 'allowed' | 'conditional' | 'denied';

interface Asker {
  decide(action: string, resource: string): Decision;
}

function askerFor(
  policies: readonly PolicyInput[],
  boundary: readonly PolicyInput[] | null,
  context: Record<string, ContextValue>,
): Asker {
  return {
    decide(action, resource) {
      const result = evaluateWithinBoundary(policies, boundary, { action, resource, context });
      if (result.decision === 'allowed') return 'allowed';
      return result.decision === 'implicitDeny' && result.missingContextKeys.length > 0 ? 'conditional' : 'denied';
    },
  };
}

/** `${aws:username}` and the like in a resource a statement names, filled from the user's own keys. */
function withVariables(resource: string, context: Record<string, ContextValue>): string {
  return resource.replace(/\$\{([^}]+)\}/g, (whole, key: string) => {
    const value = context[key];
    return typeof value === 'string' ? value : whole;
  });
}

/** The actions and resources the user's statements name, to ask the engine about. */
function namedInPolicies(policies: PolicyInput[], context: Record<string, ContextValue>) {
  const actions = new Map<string, Set<string>>();
  const resources = new Set<string>();
  let wildcard = false;
  for (const { policy } of policies) {
    for (const statement of policy.document.statements) {
      for (const r of statement.resource ?? []) if (r !== '*') resources.add(withVariables(r, context));
      if (statement.notAction) wildcard = true;
      for (const pattern of statement.action ?? []) {
        const colon = pattern.indexOf(':');
        if (colon < 0) {
          wildcard ||= pattern === '*';
          continue;
        }
        const service = pattern.slice(0, colon).toLowerCase();
        if (!actions.has(service)) actions.set(service, new Set());
        actions.get(service)!.add(pattern);
      }
    }
  }
  return { actions, resources: [...resources], wildcard };
}

function sortServices(a: ServiceAccess, b: ServiceAccess): number {
  const rank = (s: ServiceAccess) => (s.catalogued === null ? 1 : 0);
  return rank(a) - rank(b) || a.service.localeCompare(b.service);
}

/** The summary for a principal whose basis is loaded. */
function summarise(principal: Principal & { type: 'user' }, basis: Awaited<ReturnType<typeof loadBasis>>, deps: Deps) {
  const context = contextOf(deps, principal, basis.tags);
  const ask = askerFor(basis.policies, basis.boundary, context);
  const named = namedInPolicies([...basis.policies, ...(basis.boundary ?? [])], context);
  const probes = [principal.arn, ...named.resources];

  const classify = (action: string): 'everywhere' | 'someResources' | 'conditional' | null => {
    const onAll = ask.decide(action, '*');
    if (onAll === 'allowed') return 'everywhere';
    const some = probes.map((resource) => ask.decide(action, resource));
    if (some.includes('allowed')) return 'someResources';
    return onAll === 'conditional' || some.includes('conditional') ? 'conditional' : null;
  };

  const services: ServiceAccess[] = [];
  for (const [service, names] of ACTION_CATALOG) {
    const access: ServiceAccess = {
      service,
      catalogued: names.length,
      everywhere: [],
      someResources: [],
      conditional: [],
    };
    for (const name of names) {
      const action = `${service}:${name}`;
      const found = classify(action);
      if (found) access[found].push(action);
    }
    services.push(access);
  }
  for (const [service, patterns] of named.actions) {
    if (ACTION_CATALOG.has(service)) continue;
    const access: ServiceAccess = { service, catalogued: null, everywhere: [], someResources: [], conditional: [] };
    // A pattern asked as an action stands for itself: `s3:Get*` is allowed when a statement allows `s3:Get*` or more.
    for (const pattern of [...patterns].sort()) {
      const found = classify(pattern);
      if (found) access[found].push(pattern);
    }
    services.push(access);
  }
  const iamAndSts = services.filter((s) => s.catalogued !== null);
  return {
    administrator: iamAndSts.every((s) => s.everywhere.length === s.catalogued),
    anyService: named.wildcard && ask.decide('*', '*') === 'allowed',
    boundary: principal.permissionsBoundary,
    services: services
      .filter((s) => s.everywhere.length + s.someResources.length + s.conditional.length > 0)
      .sort(sortServices),
  };
}

/** The effective permissions of an IAM user of the account. */
export async function effectivePermissionsOf(deps: Deps, user: UserRecord): Promise<EffectivePermissions> {
  const principal = await loadPrincipal(deps.db, user.accountId, user.id);
  if (principal?.type !== 'user')
    throw new GatehouseError('NoSuchEntity', `The user with name ${user.name} cannot be found.`);
  return summarise(principal, await loadBasis(deps, principal), deps);
}
