import type { RequestMeta } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../authz/api-caller.ts';
import type { ParamSpecs, ParamsOf } from './params.ts';
import type { Service, XmlObject } from './xml.ts';

/** What an unsigned Action runs with: the services' dependencies and the request's audit facts. */
export interface UnsignedActionContext {
  deps: Deps;
  meta: RequestMeta;
  /** Whether the request arrived over TLS (aws:SecureTransport). */
  secure: boolean;
}

/** What an Action runs with: the above, and the authenticated caller. */
export interface ActionContext extends UnsignedActionContext {
  caller: Caller;
}

/**
 * One Query API Action: its parameters, the IAM action name and resource the
 * authorizer judges, and what it does. `run` returns the `<ActionResult>` members,
 * or null for Actions without output.
 */
export interface ActionDefinition<S extends ParamSpecs = ParamSpecs> {
  name: string;
  service: Service;
  params: S;
  /** The IAM action name the policy engine evaluates, e.g. `iam:CreateUser`. */
  permission: string;
  /** The resource ARN the call acts on (`*` for account-wide Actions). */
  resource(ctx: ActionContext, params: ParamsOf<S>): Promise<string> | string;
  /** Request-specific condition keys the policy engine may test, e.g. `iam:PolicyARN`. */
  conditionKeys?(params: ParamsOf<S>): Record<string, string>;
  /**
   * The resource has a policy of its own that decides beside the caller's (a role's trust
   * policy): the Action's service makes the whole decision, so the pipeline's decision on the
   * caller's policies alone is not taken.
   */
  decidedWithResourcePolicy?: true;
  run(ctx: ActionContext, params: ParamsOf<S>): Promise<XmlObject | null>;
}

export function defineAction<S extends ParamSpecs>(definition: ActionDefinition<S>): ActionDefinition<S> {
  return definition;
}

/**
 * An Action AWS takes without a signature (AssumeRoleWithWebIdentity: a token in the request
 * proves who calls, and the SDKs send it unsigned). No caller is authenticated or authorized:
 * its service decides everything. A signature sent along is not read.
 */
export interface UnsignedActionDefinition<S extends ParamSpecs = ParamSpecs> {
  name: string;
  service: Service;
  params: S;
  unsigned: true;
  /** The action a policy names for it (the role's trust policy, here), e.g. `sts:AssumeRoleWithWebIdentity`. */
  permission: string;
  run(ctx: UnsignedActionContext, params: ParamsOf<S>): Promise<XmlObject | null>;
}

export function defineUnsignedAction<S extends ParamSpecs>(
  definition: UnsignedActionDefinition<S>,
): UnsignedActionDefinition<S> {
  return definition;
}

/** The API versions, by service. */
export const VERSIONS: Record<Service, string> = { iam: '2010-05-08', sts: '2011-06-15' };
