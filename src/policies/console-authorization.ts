import type { FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/principal.ts';
import type { Deps } from '../shared/deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import type { SignedIn } from '../web/web-context.ts';
import { type Authorization, type AuthorizationContext, authorize } from './authorization.service.ts';

/**
 * The policy engine for console pages: the condition keys a browser session carries, and
 * a refusal that tells the signed-in person which permission they lack (they are
 * entitled to know; an attacker without a session never gets this far).
 */
export function consoleContext(deps: Deps, who: SignedIn, request: FastifyRequest): AuthorizationContext {
  const mfaAt = who.session.mfaAt;
  return {
    'aws:SourceIp': request.ip,
    'aws:SecureTransport': request.protocol === 'https' ? 'true' : 'false',
    'aws:MultiFactorAuthPresent': mfaAt ? 'true' : 'false',
    ...(mfaAt ? { 'aws:MultiFactorAuthAge': String(Math.max(0, Math.floor((deps.clock.now().getTime() - Date.parse(mfaAt)) / 1000))) } : {}),
  };
}

export function missingPermissionMessage(result: Authorization): string {
  const why = result.decision === 'explicitDeny' ? 'A policy explicitly denies' : 'None of your policies allows';
  return `You do not have permission to do this. ${why} ${result.action} on ${result.resource}. Ask an administrator of this account if you need it.`;
}

/** Decides a console action; AccessDenied naming the missing permission unless allowed. */
export async function assertConsoleAllowed(
  deps: Deps,
  who: SignedIn,
  request: FastifyRequest,
  action: string,
  resource: string,
): Promise<Authorization> {
  const result = await authorize(deps, who.principal, action, resource, consoleContext(deps, who, request));
  if (result.decision !== 'allowed') throw new GatehouseError('AccessDenied', missingPermissionMessage(result));
  return result;
}

/** Whether a link or button for this action should be shown at all. */
export async function consoleMay(deps: Deps, principal: Principal, action: string, resource: string): Promise<boolean> {
  return (await authorize(deps, principal, action, resource)).decision === 'allowed';
}
