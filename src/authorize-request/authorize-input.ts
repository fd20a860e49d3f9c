import type { AuthorizeQuestion, ForwardedRequest } from '@gatehouse/authorizer';
import type { ContextValue } from '../policy-engine/context.ts';
import { GatehouseError } from '../shared/errors.ts';

/**
 * The JSON body of `POST /authorize`, read strictly: every field of the right type and within
 * its bounds, or a ValidationError naming the field. What the end client sent (the path, the
 * query, the header values) is taken as it is: its signature decides about it.
 */

export type { ForwardedRequest };

/** Which decisions become audit events (README, "Recorded decisions"). */
export type AuthorizeRecord = NonNullable<AuthorizeQuestion['record']>;

const RECORD_CHOICES: readonly AuthorizeRecord[] = ['all', 'denials', 'none'];

export interface AuthorizeInput {
  request: ForwardedRequest;
  action: string;
  resource: string;
  /** The service's own condition keys (`notes:Folder`, `s3:prefix`, `aws:ResourceTag/team`). */
  context: Record<string, ContextValue>;
  /** The resource's own policy (JSON text), when the service keeps one. */
  resourcePolicy: string | null;
  /** Whether the service asks for the request's derived signing key, to verify the client's next requests itself. */
  signingKey: boolean;
  /** Which decisions are recorded as events; `denials` unless the service asks otherwise. */
  record: AuthorizeRecord;
}

const ACTION = /^[A-Za-z0-9.-]{1,64}:[A-Za-z0-9]{1,128}$/;
const CONTEXT_KEY = /^[A-Za-z0-9.-]{1,64}:[\x21-\x7e]{1,256}$/;
/** The global keys a service may set, as AWS services do: the resource's and the request's tags. */
const SERVICE_SET_GLOBAL_KEYS = /^aws:(?:RequestTag\/|ResourceTag\/|TagKeys$)/i;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const MAX_HEADERS = 64;
const MAX_CONTEXT_KEYS = 64;
const MAX_VALUES = 64;
const MAX_VALUE_LENGTH = 1024;
export const MAX_RESOURCE_POLICY_LENGTH = 20 * 1024;

function invalid(field: string, message: string): GatehouseError {
  return new GatehouseError('ValidationError', `${field}: ${message}`, { field });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string, max: number, pattern?: RegExp): string {
  if (typeof value !== 'string' || value.length > max || (pattern && !pattern.test(value)))
    throw invalid(
      field,
      pattern ? 'missing or not of the expected form.' : `missing, or longer than ${max} characters.`,
    );
  return value;
}

function optionalText(value: unknown, field: string, max: number): string | undefined {
  return value === undefined ? undefined : text(value, field, max);
}

function headersOf(value: unknown): Record<string, string | string[]> {
  if (!isObject(value)) throw invalid('request.headers', 'an object of header names to values is required.');
  const entries = Object.entries(value);
  if (entries.length > MAX_HEADERS) throw invalid('request.headers', `at most ${MAX_HEADERS} headers.`);
  const headers: Record<string, string | string[]> = Object.create(null);
  for (const [name, v] of entries) {
    if (!HEADER_NAME.test(name))
      throw invalid('request.headers', `"${name.slice(0, 64)}" is not a lower-case header name.`);
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || list.length > 16 || !list.every((item) => typeof item === 'string' && item.length <= 8192))
      throw invalid('request.headers', `the value of ${name} must be a string or a list of strings.`);
    headers[name] = v as string | string[];
  }
  return headers;
}

function contextOf(value: unknown): Record<string, ContextValue> {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid('context', 'an object of condition keys to values is required.');
  const entries = Object.entries(value);
  if (entries.length > MAX_CONTEXT_KEYS) throw invalid('context', `at most ${MAX_CONTEXT_KEYS} keys.`);
  const context: Record<string, ContextValue> = {};
  for (const [key, v] of entries) {
    if (!CONTEXT_KEY.test(key))
      throw invalid('context', `"${key.slice(0, 64)}" is not a condition key (service:Name).`);
    if (key.toLowerCase().startsWith('aws:') && !SERVICE_SET_GLOBAL_KEYS.test(key))
      throw invalid(
        'context',
        `${key} is a global key Gatehouse sets itself; a service may set only aws:RequestTag/…, aws:ResourceTag/… and aws:TagKeys.`,
      );
    const list = Array.isArray(v) ? v : [v];
    if (list.length > MAX_VALUES || !list.every((item) => typeof item === 'string' && item.length <= MAX_VALUE_LENGTH))
      throw invalid('context', `the value of ${key} must be a string or a list of at most ${MAX_VALUES} strings.`);
    context[key] = v as string | string[];
  }
  return context;
}

function resourceOf(value: unknown): string {
  const resource = text(value, 'resource', 2048);
  if (
    resource !== '*' &&
    (!resource.startsWith('arn:') || resource.split(':').length < 6 || /[\u0000-\u001f]/.test(resource))
  )
    throw invalid('resource', 'an ARN (arn:partition:service:region:account:resource) or * is required.');
  return resource;
}

function resourcePolicyOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const json = typeof value === 'string' ? value : isObject(value) ? JSON.stringify(value) : null;
  if (json === null) throw invalid('resourcePolicy', 'a policy document (object or JSON text) is required.');
  if (json.length > MAX_RESOURCE_POLICY_LENGTH)
    throw invalid('resourcePolicy', `longer than ${MAX_RESOURCE_POLICY_LENGTH} characters.`);
  return json;
}

export function readAuthorizeInput(body: unknown): AuthorizeInput {
  if (!isObject(body)) throw invalid('body', 'a JSON object is required.');
  const request = body.request;
  if (!isObject(request)) throw invalid('request', 'an object describing the request received is required.');
  if (request.sourceIp !== undefined && typeof request.sourceIp !== 'string')
    throw invalid('request.sourceIp', 'a string is required.');
  if (request.secure !== undefined && typeof request.secure !== 'boolean')
    throw invalid('request.secure', 'true or false.');
  if (body.signingKey !== undefined && typeof body.signingKey !== 'boolean')
    throw invalid('signingKey', 'true or false.');
  if (body.record !== undefined && !RECORD_CHOICES.includes(body.record as AuthorizeRecord))
    throw invalid('record', 'all, denials or none.');
  const payloadHash = optionalText(request.payloadHash, 'request.payloadHash', 64);
  const sourceIp = optionalText(request.sourceIp, 'request.sourceIp', 64);
  return {
    request: {
      method: text(request.method, 'request.method', 16, /^[A-Z]{1,16}$/),
      path: text(request.path, 'request.path', 4096, /^\/[\x21-\x7e]*$/),
      query: text(request.query ?? '', 'request.query', 16 * 1024),
      headers: headersOf(request.headers),
      ...(payloadHash !== undefined ? { payloadHash } : {}),
      ...(sourceIp !== undefined ? { sourceIp } : {}),
      ...(typeof request.secure === 'boolean' ? { secure: request.secure } : {}),
    },
    action: text(body.action, 'action', 200, ACTION),
    resource: resourceOf(body.resource),
    context: contextOf(body.context),
    resourcePolicy: resourcePolicyOf(body.resourcePolicy),
    signingKey: body.signingKey === true,
    record: (body.record as AuthorizeRecord | undefined) ?? 'denials',
  };
}
