import {
  type ClientField,
  type ClientSettings,
  type ClientSummary,
  MAX_CLIENT_URIS,
  MAX_URI_LENGTH,
} from './oidc-client.service.ts';
import { ALWAYS_ALLOWED_SCOPE, OIDC_SCOPES } from './oidc-scopes.ts';

/**
 * The Applications pages' form, as the browser sends it and as the pages show it again: URIs
 * one per line, a checkbox per scope a client may be refused (`openid` is always allowed).
 */

/** The scopes an administrator chooses among. */
export const CHOSEN_SCOPES = OIDC_SCOPES.filter((s) => s !== ALWAYS_ALLOWED_SCOPE);

export const scopeField = (scope: string) => `scope_${scope}`;

const URI_LIST = { max: MAX_CLIENT_URIS * (MAX_URI_LENGTH + 2), optional: true };
const TICK = { max: 2, optional: true };

export const CLIENT_SETTINGS_FORM = {
  name: { max: 256 },
  redirectUris: URI_LIST,
  postLogoutRedirectUris: URI_LIST,
  firstParty: TICK,
  ...Object.fromEntries(CHOSEN_SCOPES.map((s) => [scopeField(s), TICK])),
};

export const NEW_CLIENT_FORM = { ...CLIENT_SETTINGS_FORM, public: TICK };

/** The form as typed, to show again. */
export interface ClientFormValues {
  name: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  public: boolean;
  firstParty: boolean;
  scopes: readonly string[];
}

export type ClientFormErrors = Partial<Record<ClientField | 'form', string>>;

/** A new client's form before anything is typed: every scope allowed, as the CLI does. */
export const BLANK_CLIENT_FORM: ClientFormValues = {
  name: '',
  redirectUris: '',
  postLogoutRedirectUris: '',
  public: false,
  firstParty: false,
  scopes: [...OIDC_SCOPES],
};

export function formValuesOf(form: Record<string, string>): ClientFormValues {
  return {
    name: form.name ?? '',
    redirectUris: form.redirectUris ?? '',
    postLogoutRedirectUris: form.postLogoutRedirectUris ?? '',
    public: form.public === 'on',
    firstParty: form.firstParty === 'on',
    scopes: [ALWAYS_ALLOWED_SCOPE, ...CHOSEN_SCOPES.filter((s) => form[scopeField(s)] === 'on')],
  };
}

/** The client's settings in the form, to edit them. */
export function formValuesOfClient(c: ClientSummary): ClientFormValues {
  return {
    name: c.name,
    redirectUris: c.redirectUris.join('\n'),
    postLogoutRedirectUris: c.postLogoutRedirectUris.join('\n'),
    public: c.public,
    firstParty: c.firstParty,
    scopes: c.allowedScopes,
  };
}

/** URIs as typed: one per line (any white space separates them; a URI has none). */
const uriList = (text: string) => text.split(/\s+/).filter(Boolean);

export function settingsOf(values: ClientFormValues): ClientSettings {
  return {
    name: values.name,
    redirectUris: uriList(values.redirectUris),
    postLogoutRedirectUris: uriList(values.postLogoutRedirectUris),
    firstParty: values.firstParty,
    allowedScopes: [...values.scopes],
  };
}
