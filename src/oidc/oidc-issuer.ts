/** The provider's prefix under PUBLIC_URL: the issuer is PUBLIC_URL + this. */
export const OIDC_PREFIX = '/oidc';

/** Where applications find Gatehouse: the issuer and its discovery document. */
export interface ProviderUrls {
  issuer: string;
  discovery: string;
}

/** The provider's URLs under a public origin (`https://signin.example.com`). */
export function providerUrls(origin: string): ProviderUrls {
  const issuer = `${origin}${OIDC_PREFIX}`;
  return { issuer, discovery: `${issuer}/.well-known/openid-configuration` };
}
