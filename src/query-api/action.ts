import type { RequestMeta } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../authz/api-caller.ts';
import type { ParamSpecs, ParamsOf } from './params.ts';
import type { Service, XmlObject } from './xml.ts';

/** What an Action runs with: the services' dependencies, the authenticated caller, and the request's audit facts. */
export interface ActionContext {
  deps: Deps;
  caller: Caller;
  meta: RequestMeta;
  /** Whether the request arrived over TLS (aws:SecureTransport). */
  secure: boolean;
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

/** The API versions, by service. */
export const VERSIONS: Record<Service, string> = { iam: '2010-05-08', sts: '2011-06-15' };
