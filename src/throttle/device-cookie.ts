import { hmac, randomBase32, safeEqual } from '../shared/secrets.ts';

/** Name of the cookie a browser keeps after a successful sign-in. */
export const DEVICE_COOKIE = 'gh_device';
/** How long a browser stays trusted after its last successful sign-in. */
export const DEVICE_COOKIE_DAYS = 180;

/**
 * A device cookie: `<device id>.<identifier tag>.<mac>`. The tag is a keyed hash of the
 * identifier signed in with (the email or user name never appears), and the MAC (HMAC under
 * a key derived from SECRET_KEY) binds the two, so the cookie cannot be forged or moved to
 * another identifier.
 */
export function issueDeviceCookie(key: Buffer, identifier: string, deviceId: string = randomBase32(10)): string {
  const tag = identifierTag(key, identifier);
  return `${deviceId}.${tag}.${mac(key, deviceId, tag)}`;
}

/** The device ID the cookie proves for `identifier`, or null. */
export function trustedDevice(key: Buffer, cookie: string | undefined, identifier: string): string | null {
  const device = authenticDevice(key, cookie);
  return device && deviceIsFor(key, device, identifier) ? device.id : null;
}

/** Whether an authentic cookie's device signed in to `identifier`. */
export function deviceIsFor(key: Buffer, device: { tag: string }, identifier: string): boolean {
  return safeEqual(device.tag, identifierTag(key, identifier));
}

/** The device in a well-formed, authentic cookie (its MAC checked), whatever identifier it is for. */
export function authenticDevice(key: Buffer, cookie: string | undefined): { id: string; tag: string } | null {
  if (!cookie || cookie.length > 200) return null;
  const match = /^([a-z2-7]{16})\.([0-9a-f]{24})\.([0-9a-f]{64})$/.exec(cookie);
  if (!match || !safeEqual(match[3]!, mac(key, match[1]!, match[2]!))) return null;
  return { id: match[1]!, tag: match[2]! };
}

function identifierTag(key: Buffer, identifier: string): string {
  return hmac(key, `gatehouse device identifier v1|${identifier}`).toString('hex').slice(0, 24);
}

function mac(key: Buffer, deviceId: string, tag: string): string {
  return hmac(key, `gatehouse device cookie v1|${deviceId}|${tag}`).toString('hex');
}
