import { describe, expect, it } from 'vitest';
import { OIDC_PREFIX } from '../oidc/oidc-issuer.ts';
import { ownIssuer, readProviderArn, readProviderUrl } from './provider-url.ts';

describe('OpenID Connect provider URLs', () => {
  const read = (raw: string, publicUrl = 'https://signin.example.com') => {
    const result = readProviderUrl(raw, publicUrl);
    return result.ok ? result.url : result.problem;
  };

  it('name the provider by the URL without its scheme or trailing slash', () => {
    expect(read('https://token.example.com/')).toEqual({
      issuer: 'https://token.example.com',
      name: 'token.example.com',
    });
    expect(read('https://Token.Example.com:8443/tenants/1/')).toEqual({
      issuer: 'https://token.example.com:8443/tenants/1',
      name: 'token.example.com:8443/tenants/1',
    });
  });

  it('take http:// for the own issuer, and for loopback issuers only beside a loopback http:// Gatehouse', () => {
    expect(read('http://signin.example.com/oidc', 'http://signin.example.com')).toMatchObject({
      name: 'signin.example.com/oidc',
    });
    expect(read('http://127.0.0.1:4000/issuer', 'http://127.0.0.1:8080')).toMatchObject({
      name: '127.0.0.1:4000/issuer',
    });
    expect(read('http://localhost:4000', 'http://localhost:8080')).toMatchObject({ name: 'localhost:4000' });
    expect(read('http://127.0.0.1:4000/issuer')).toBe('The URL must begin with https://.');
    expect(read('http://issuer.example.com', 'http://127.0.0.1:8080')).toBe('The URL must begin with https://.');
  });

  it('refuse what is no issuer URL', () => {
    for (const raw of ['token.example.com', 'ftp://token.example.com', 'https://', 'https://:443/x'])
      expect(read(raw)).toBe('The URL must be an absolute https:// URL.');
    for (const raw of [
      'https://a.example.com/?x=1',
      'https://a.example.com/?',
      'https://u@a.example.com',
      'https://a.example.com/#f',
    ])
      expect(read(raw)).toBe('The URL must not hold a user name, password, query or fragment.');
  });

  it('read provider ARNs', () => {
    expect(readProviderArn('arn:aws:iam::123456789012:oidc-provider/token.example.com/x')).toEqual({
      accountId: '123456789012',
      name: 'token.example.com/x',
    });
    expect(readProviderArn('arn:aws:iam::123456789012:saml-provider/x')).toBeNull();
    expect(readProviderArn('arn:aws:iam::1234:oidc-provider/x')).toBeNull();
  });

  it("are Gatehouse's own issuer where its OpenID Connect provider is mounted", () => {
    expect(ownIssuer('https://signin.example.com')).toBe(`https://signin.example.com${OIDC_PREFIX}`);
  });
});
