import type { RequestMeta } from '../audit/audit.service.ts';
import { authorizeApiCall } from '../authz/api-authorization.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { sha256 } from '../shared/secrets.ts';
import type { IncomingRequest } from '../sigv4/sigv4.ts';
import { assertSessionCredentialsMayCall } from '../sts/session-rules.ts';
import { type ActionContext, VERSIONS } from './action.ts';
import { ACTIONS } from './actions/index.ts';
import { authenticate } from '../signed-request/authenticate.ts';
import { decodePairs } from '../sigv4/sigv4.ts';
import { collectParameters } from './form-body.ts';
import { readParams } from './params.ts';
import { type Service, actionResponse } from './xml.ts';

export interface QueryRequest {
  method: string;
  /** The URL as received: path and raw query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  meta: RequestMeta;
  /** Whether the request arrived over TLS (aws:SecureTransport). */
  secure: boolean;
}

/** Which service an error belongs to, so its XML carries the right namespace. */
export function serviceOfVersion(version: string | undefined): Service {
  return version === VERSIONS.sts ? 'sts' : 'iam';
}

/**
 * The Query API, step by step: parse the form (each parameter once) → find the Action
 * for its Version → read and validate its parameters (unknown ones refused) → (an unsigned
 * Action runs now, its service deciding alone) →
 * authenticate the SigV4 signature → apply AWS's limits on temporary credentials →
 * authorize (unless the resource's own policy decides too: then the Action's service does) →
 * run the Action → render its XML. Every failure is a GatehouseError
 * carrying an AWS code; `onService` learns the service as soon as it is known.
 */
export async function handleQuery(deps: Deps, request: QueryRequest, onService: (s: Service) => void): Promise<string> {
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const queryPairs = q === -1 ? [] : decodePairs(request.url.slice(q + 1));

  const params = collectParameters(request.body, queryPairs);
  const version = params.get('Version');
  onService(serviceOfVersion(version));

  const actionName = params.get('Action');
  const action = actionName !== undefined ? ACTIONS.get(actionName) : undefined;
  if (!action || VERSIONS[action.service] !== version) {
    throw new GatehouseError(
      'InvalidAction',
      `Could not find operation ${(actionName ?? '').slice(0, 64)} for version ${(version ?? '').slice(0, 16)}`,
    );
  }
  const input = readParams(action.name, action.params, params, { showValues: action.service === 'sts' });
  if ('unsigned' in action) {
    const result = await action.run({ deps, meta: request.meta, secure: request.secure }, input);
    return actionResponse(action.service, action.name, result, request.meta.requestId);
  }

  const signed: IncomingRequest = {
    method: request.method,
    path,
    queryPairs,
    headers: request.headers,
    payloadHash: sha256(request.body).toString('hex'),
  };
  const caller = await authenticate(deps, signed, action.service);
  assertSessionCredentialsMayCall(caller, action.name, action.permission);

  const ctx: ActionContext = { deps, caller, meta: request.meta, secure: request.secure };
  const resource = await action.resource(ctx, input);
  if (!action.decidedWithResourcePolicy)
    await authorizeApiCall(deps, caller, action.permission, resource, {
      sourceIp: request.meta.ip,
      secureTransport: request.secure,
      ...(action.conditionKeys ? { conditionKeys: action.conditionKeys(input) } : {}),
    });

  const result = await action.run(ctx, input);
  return actionResponse(action.service, action.name, result, request.meta.requestId);
}
