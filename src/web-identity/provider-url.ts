import { providerUrls } from '../oidc/oidc-issuer.ts';

/**
 * An OpenID Connect provider's URL as IAM keeps it. The provider is named by its URL without
 * the scheme (`host/path`): in its ARN, `arn:aws:iam::ACCOUNT:oidc-provider/host/path`, and in the
 * condition keys its tokens set, `host/path:aud`, `host/path:sub`, `host/path:amr`. Its tokens'
 * `iss` is the whole URL.
 *
 * AWS takes only `https://` URLs. Gatehouse takes `http://` too where no network is crossed:
 * for Gatehouse's own issuer (its keys are read from the database, never fetched), and for a
 * loopback address (127.0.0.0/8, `localhost`, `[::1]`) while Gatehouse itself runs on a
 * loopback `http://` PUBLIC_URL — a development or test instance, where an issuer runs beside it.
 */

export interface ProviderUrl {
  /** The URL tokens name in `iss`: scheme, host (with any port) and path, without a trailing `/`. */
  issuer: string;
  /** The issuer without its scheme: `host/path`. */
  name: string;
}

/** Gatehouse's own issuer, from PUBLIC_URL's origin: where src/oidc mounts its provider. */
export function ownIssuer(publicUrl: string): string {
  return providerUrls(publicUrl).issuer;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Whether `http://` issuers on loopback addresses are taken: only by a Gatehouse on a loopback `http://` PUBLIC_URL. */
export function takesLoopbackHttp(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * The provider a URL names, or why it names none: an absolute `https://` URL (see above for
 * `http://`) without user name, password, query or fragment.
 */
export function readProviderUrl(
  raw: string,
  publicUrl: string,
): { ok: true; url: ProviderUrl } | { ok: false; problem: string } {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.host === '')
    return { ok: false, problem: 'The URL must be an absolute https:// URL.' };
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || raw.includes('?'))
    return { ok: false, problem: 'The URL must not hold a user name, password, query or fragment.' };
  const path = url.pathname.replace(/\/+$/, '');
  const name = `${url.host}${path}`;
  const issuer = `${url.protocol}//${name}`;
  if (
    url.protocol === 'http:' &&
    issuer !== ownIssuer(publicUrl) &&
    !(isLoopbackHost(url.hostname) && takesLoopbackHttp(publicUrl))
  ) {
    return { ok: false, problem: 'The URL must begin with https://.' };
  }
  return { ok: true, url: { issuer, name } };
}

export function providerArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${name}`;
}

const PROVIDER_ARN = /^arn:aws:iam::(\d{12}):oidc-provider\/([^\s/][^\s]*)$/;

/** The account and provider name an OpenID Connect provider ARN holds; null when it is no such ARN. */
export function readProviderArn(arn: string): { accountId: string; name: string } | null {
  const match = PROVIDER_ARN.exec(arn);
  return match ? { accountId: match[1]!, name: match[2]! } : null;
}
