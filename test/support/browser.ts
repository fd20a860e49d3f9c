import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type CDPSession, type Locator, type Page, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/db/database.ts';
import { createTestContext, type TestContext } from './harness.ts';
import { freePort } from './listen.ts';

/**
 * Browser suites drive Debian's Chromium through playwright-core against the real app
 * listening on 127.0.0.1. `CHROMIUM_PATH` points at another Chromium build.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

// Without the networking switches Chromium keeps trying to reach Google's services.
export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * `describe` for a browser suite. Where Chromium is missing the suite is skipped with a
 * printed notice, except under CI (`CI` set), where a missing browser is a failure.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('finds Chromium', () => {
        throw new Error(
          `Chromium is not installed at ${CHROMIUM_PATH} (install the chromium package or set CHROMIUM_PATH).`,
        );
      });
    });
    return;
  }
  process.stdout.write(
    `\n[gatehouse tests] ${CHROMIUM_PATH} is missing: browser suite "${name}" is SKIPPED. ` +
      'Install Chromium (apt-get install chromium) or set CHROMIUM_PATH to run it; CI always does.\n\n',
  );
  describe.skip(name, body);
}

/** The app as a browser sees it: a test context whose server listens on `url`. */
export interface LiveApp extends TestContext {
  /** `http://127.0.0.1:<port>`, also the app's PUBLIC_URL, so Origin checks pass as in production. */
  url: string;
}

/**
 * Builds the app on a fresh database (SQLite unless told) and a frozen clock, and makes
 * it listen on a free local port. PUBLIC_URL has to be known before the app is built,
 * so the port is chosen first; a port taken in between is retried with another.
 */
export async function startLiveApp(
  options: { dialect?: DialectName; env?: Record<string, string> } = {},
): Promise<LiveApp> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const t = await createTestContext(options.dialect ?? 'sqlite', {
      ...options.env,
      PUBLIC_URL: url,
      PORT: String(port),
    });
    try {
      await t.app.listen({ port, host: '127.0.0.1' });
      return Object.assign(t, { url });
    } catch (error) {
      await t.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

/** What one page printed to its console, kept for assertions. */
const consoleLogs = new WeakMap<Page, string[]>();

/**
 * One Chromium for a test file, and one app behind it. Each `newPage()` opens a fresh
 * browser context: another person, with cookies of their own.
 */
export class BrowserSuite {
  #live: LiveApp | undefined;
  #browser: Browser | undefined;
  #contexts: BrowserContext[] = [];

  get live(): LiveApp {
    if (!this.#live) throw new Error('BrowserSuite.start() has not run');
    return this.#live;
  }

  async start(options: { dialect?: DialectName; env?: Record<string, string> } = {}): Promise<void> {
    [this.#live, this.#browser] = await Promise.all([
      startLiveApp(options),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS }),
    ]);
  }

  async newPage(): Promise<Page> {
    if (!this.#browser) throw new Error('BrowserSuite.start() has not run');
    const context = await this.#browser.newContext({
      baseURL: this.live.url,
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
    });
    context.setDefaultTimeout(10_000);
    this.#contexts.push(context);
    const page = await context.newPage();
    const log: string[] = [];
    consoleLogs.set(page, log);
    page.on('console', (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`));
    return page;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.#contexts.map((c) => c.close()));
    await this.#browser?.close();
    await this.#live?.close();
  }
}

/** Everything the page logged to its console since it opened. */
export function consoleMessages(page: Page): string[] {
  return [...(consoleLogs.get(page) ?? [])];
}

/** Console reports of a Content-Security-Policy refusal (inline script or style, foreign source). */
export function cspViolations(page: Page): string[] {
  return consoleMessages(page).filter((m) => /Content Security Policy/i.test(m));
}

/** The input a person finds by its label text (the whole label, as read aloud). */
export function field(page: Page, label: string): Locator {
  return page.getByLabel(label, { exact: true });
}

export async function fillField(page: Page, label: string, value: string): Promise<void> {
  await field(page, label).fill(value);
}

/** Clicks what a person would click: a button (or link, checkbox…) by its accessible name. */
export async function click(
  page: Page,
  name: string,
  options: { role?: 'button' | 'link' | 'checkbox'; within?: Locator } = {},
): Promise<void> {
  await (options.within ?? page).getByRole(options.role ?? 'button', { name, exact: true }).click();
}

/**
 * Clicks a button (or link) that leads to another page, and waits until that page has
 * loaded, redirects included.
 */
export async function submit(
  page: Page,
  name: string,
  options: { role?: 'button' | 'link'; within?: Locator } = {},
): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await click(page, name, options);
  await navigated;
  await page.waitForLoadState('load');
}

/** The form holding the field with this label, to tell apart buttons with the same name. */
export function formWith(page: Page, label: string): Locator {
  return page.locator('form').filter({ has: field(page, label) });
}

/** The text of the page's alert (`role=alert`), or of its status notice; null when there is none. */
export async function readAlert(page: Page, role: 'alert' | 'status' = 'alert'): Promise<string | null> {
  await page.waitForLoadState('domcontentloaded');
  const alert = page.getByRole(role);
  if ((await alert.count()) === 0) return null;
  return (await alert.first().innerText()).trim();
}

/** Whether keyboard focus is on this element. */
export async function isFocused(page: Page, locator: Locator): Promise<boolean> {
  return (await locator.and(page.locator(':focus')).count()) === 1;
}

/** Presses Tab until `target` has focus; returns how many presses it took (throws past `max`). */
export async function tabTo(page: Page, target: Locator, max = 15): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await isFocused(page, target)) return presses;
  }
  throw new Error(`focus did not reach the element within ${max} Tab presses`);
}

/** The root user's sign-in, as a person does it: email → Next → password → Sign in. */
export async function signInAsRoot(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin?choose=1');
  await fillField(page, 'Root user email address', email);
  await submit(page, 'Next', { within: formWith(page, 'Root user email address') });
  await fillField(page, 'Password', password);
  await submit(page, 'Sign in');
}

/**
 * Plugs Chromium's virtual authenticator into the page: a USB security key (CTAP2, resident
 * keys, user verification) that answers at once. The page's origin must be a host name such
 * as localhost: WebAuthn refuses an IP address as relying-party ID.
 */
export async function plugInSecurityKey(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** An IAM user's sign-in on the account's own page, `/signin/<account ID or alias>`. */
export async function signInAsUser(page: Page, accountRef: string, userName: string, password: string): Promise<void> {
  await page.goto(`/signin/${accountRef}`);
  await fillField(page, 'User name', userName);
  await fillField(page, 'Password', password);
  await submit(page, 'Sign in');
}

/**
 * Saves a full-page screenshot as docs/screenshots/<name>.png, only when SCREENSHOTS=1,
 * so ordinary runs leave the documentation images alone.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/** The width of a phone the pages must fit, and the desktop size the suites browse at. */
export const PHONE_WIDTH = 390;
const DESKTOP = { width: 1280, height: 800 };

/**
 * The outermost elements reaching past `width` (none inside a box that scrolls), named by tag,
 * class and the closest id, to say what to fix. Run in the page, as a string: the tests are
 * compiled without the DOM's types.
 */
export function wideElements(page: Page, width = PHONE_WIDTH): Promise<string[]> {
  const past = width + 1;
  return page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > ${past} && !(e.parentElement && e.parentElement.getBoundingClientRect().right > ${past}))
  .filter((e) => { for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false; return true; })
  .slice(0, 3)
  .map((e) => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + (e.closest('[id]') ? ' in #' + e.closest('[id]').id : ''))`);
}

/** How wide the page is at the current window size: wider than the window means it scrolls sideways. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth');
}

/**
 * Checks that at a phone's width nothing scrolls sideways (naming what does), then goes back to
 * the desktop size. With `screenshotName`, saves the page at both widths (`screenshot`).
 */
export async function expectFitsPhone(page: Page, screenshotName?: string): Promise<void> {
  if (screenshotName) await screenshot(page, screenshotName);
  await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
  if (screenshotName) await screenshot(page, `${screenshotName}-${PHONE_WIDTH}`);
  const width = await scrollWidth(page);
  const culprits = width > PHONE_WIDTH ? await wideElements(page) : [];
  expect(width, `${new URL(page.url()).pathname} at ${PHONE_WIDTH} px, by ${culprits.join(', ')}`).toBeLessThanOrEqual(
    PHONE_WIDTH,
  );
  await page.setViewportSize(DESKTOP);
}
