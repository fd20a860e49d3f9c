import { expect } from 'vitest';
import { ROOT_PASSWORD, makeAccount } from './fixtures.ts';
import { Browser, type TestContext } from './harness.ts';

/** A new account whose root user is signed in to the console, with the CSRF token of `page`. */
export async function rootOfNewAccount(t: TestContext, page = '/console') {
  const account = await makeAccount(t.deps);
  const root = new Browser(t.app);
  const signedIn = await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
  expect(signedIn.headers.location).toBe('/console');
  return { account, root, csrf: await root.csrf(page) };
}
