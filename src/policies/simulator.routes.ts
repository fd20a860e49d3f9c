import type { FastifyInstance } from 'fastify';
import { userArn } from '../identities/principal.ts';
import { GatehouseError } from '../shared/errors.ts';
import { listUsersOf } from '../users/user.service.ts';
import { requireSignIn } from '../web/guard.ts';
import type { WebContext } from '../web/web-context.ts';
import { assertConsoleAllowed } from '../authz/console-authorization.ts';
import { type SimulatorForm, simulatorPage } from './simulator.pages.ts';
import { principalFromArn, simulatePrincipalPolicy } from './simulator.service.ts';

type Query = Partial<Record<'user' | 'actions' | 'resource' | 'mfa' | 'sourceIp', string>>;

function text(value: string | undefined, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/**
 * `/console/policy-simulator`: "Can this user do X?", answered by the policy engine.
 * Using it needs iam:SimulatePrincipalPolicy on the user asked about, decided by the engine.
 */
export async function simulatorRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.get<{ Querystring: Query }>('/console/policy-simulator', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const { principal } = who;
    const users = await listUsersOf(web.deps, principal.accountId);
    const form: SimulatorForm = {
      user: text(request.query.user, 128) || (principal.type === 'user' ? principal.name : (users[0]?.name ?? '')),
      actions: text(request.query.actions, 2000),
      resource: text(request.query.resource, 2048),
      mfa: request.query.mfa === '1',
      sourceIp: text(request.query.sourceIp, 64),
    };
    const target = users.find((u) => u.name.toLowerCase() === form.user.toLowerCase());
    await assertConsoleAllowed(
      web.deps,
      who,
      'iam:SimulatePrincipalPolicy',
      target ? userArn(principal.accountId, target.path, target.name) : '*',
    );
    const csrf = web.csrfToken(request, reply);
    reply.type('text/html; charset=utf-8');
    const actions = form.actions.split(/[\s,]+/).filter(Boolean);
    if (actions.length === 0 || !target) return reply.send(simulatorPage(principal, csrf, users, form, null));
    try {
      const subject = await principalFromArn(
        web.deps,
        principal.accountId,
        userArn(principal.accountId, target.path, target.name),
      );
      const results = await simulatePrincipalPolicy(web.deps, subject, {
        actionNames: actions.slice(0, 20),
        ...(form.resource ? { resourceArns: [form.resource] } : {}),
        contextEntries: {
          'aws:MultiFactorAuthPresent': form.mfa ? 'true' : 'false',
          ...(form.mfa ? { 'aws:MultiFactorAuthAge': '0' } : {}),
          ...(form.sourceIp ? { 'aws:SourceIp': form.sourceIp } : {}),
        },
      });
      return reply.send(simulatorPage(principal, csrf, users, form, results));
    } catch (error) {
      if (error instanceof GatehouseError && error.safe && error.status < 500) {
        return reply.status(error.status).send(simulatorPage(principal, csrf, users, form, null, error.message));
      }
      throw error;
    }
  });
}
