/** The scopes clients may ask for; `openid` claims (sub, account_id, account_alias) come with every token. */
export const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'groups'] as const;

/** Every client may ask for `openid`: without it there is no ID token and no subject. */
export const ALWAYS_ALLOWED_SCOPE = 'openid';
