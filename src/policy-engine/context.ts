/**
 * What a request looks like to the engine: the action, the resource ARN, and the
 * condition context (keys such as `aws:SourceIp`, `aws:MultiFactorAuthPresent`).
 * Key names are case-insensitive, as in IAM; values are strings or lists of strings
 * (numbers and booleans are written as AWS writes them, `3600`, `true`).
 */
export type ContextValue = string | number | boolean | readonly (string | number | boolean)[] | null | undefined;

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `iam:ChangePassword`. */
  action: string;
  /** The resource ARN, or `*` for actions that take none. */
  resource: string;
  context?: Readonly<Record<string, ContextValue>>;
}

/** Context keys by lower-cased name; a key that is absent (or null) is not in the map. */
export type PreparedContext = ReadonlyMap<string, readonly string[]>;

export function prepareContext(context: Readonly<Record<string, ContextValue>> = {}): PreparedContext {
  const map = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(context)) {
    if (value === null || value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    map.set(key.toLowerCase(), list.map(String));
  }
  return map;
}
