import type { FastifyInstance } from 'fastify';
import { type ResourceOf, permission } from '../authz/console-access.ts';
import type { Deps } from '../deps.ts';
import { type Principal, userArn } from '../identities/principal.ts';
import { listUsersOf } from '../users/user.service.ts';
import { pageRoutes } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { type SimulatorForm, simulatorPage } from './simulator.pages.ts';
import { principalFromArn, simulatePrincipalPolicy } from './simulator.service.ts';

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/**
 * Whom the simulator asks about: the user the query names (in any case), by default the
 * signed-in IAM user or else the account's first user; with the account's users to choose from.
 */
async function subjectOf(deps: Deps, principal: Principal, query: Readonly<Record<string, unknown>> = {}) {
  const users = await listUsersOf(deps, principal.accountId);
  const name = text(query.user, 128) || (principal.type === 'user' ? principal.name : (users[0]?.name ?? ''));
  const user = users.find((u) => u.name.toLowerCase() === name.toLowerCase());
  return { users, name, arn: user ? userArn(principal.accountId, user.path, user.name) : null };
}

/** The user asked about, as SimulatePrincipalPolicy names it; `*` when there is none. */
const simulatedUser: ResourceOf = async (input, who, deps) =>
  (await subjectOf(deps, who.principal, input.query)).arn ?? '*';

/** Using the simulator: iam:SimulatePrincipalPolicy on the user asked about, as the Query API decides it. */
const SIMULATOR_ACCESS = permission({ action: 'iam:SimulatePrincipalPolicy', resource: simulatedUser });

/** `/console/policy-simulator`: "Can this user do X?", answered by the policy engine. */
export async function simulatorRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get(
    '/console/policy-simulator',
    {
      access: SIMULATOR_ACCESS,
      // A question the engine refuses (a wildcard over another service) comes back with its reason.
      redisplay: async (p, error) => {
        const { users, name } = await subjectOf(p.deps, p.who.principal, p.query);
        return simulatorPage(p.who.principal, p.csrf, users, formOf(p.query, name), null, error.message);
      },
    },
    async (p) => {
      const { principal } = p.who;
      const { users, name, arn } = await subjectOf(p.deps, principal, p.query);
      const form = formOf(p.query, name);
      const actions = form.actions.split(/[\s,]+/).filter(Boolean);
      if (actions.length === 0 || !arn) return simulatorPage(principal, p.csrf, users, form, null);
      const subject = await principalFromArn(p.deps, principal.accountId, arn);
      const results = await simulatePrincipalPolicy(p.deps, subject, {
        actionNames: actions.slice(0, 20),
        ...(form.resource ? { resourceArns: [form.resource] } : {}),
        contextEntries: {
          'aws:MultiFactorAuthPresent': form.mfa ? 'true' : 'false',
          ...(form.mfa ? { 'aws:MultiFactorAuthAge': '0' } : {}),
          ...(form.sourceIp ? { 'aws:SourceIp': form.sourceIp } : {}),
        },
      });
      return simulatorPage(principal, p.csrf, users, form, results);
    },
  );
}

function formOf(query: Record<string, string | undefined>, user: string): SimulatorForm {
  return {
    user,
    actions: text(query.actions, 2000),
    resource: text(query.resource, 2048),
    mfa: query.mfa === '1',
    sourceIp: text(query.sourceIp, 64),
  };
}
