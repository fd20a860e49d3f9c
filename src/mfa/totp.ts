import { HOTP, Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Keyring } from '../shared/keyring.ts';
import { safeEqual } from '../shared/secrets.ts';

/**
 * Virtual MFA as AWS does it: RFC 6238, HMAC-SHA1, six digits, 30-second steps, so any
 * authenticator app reads the QR code with its defaults. The secret is 160 bits.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const SECRET_BYTES = 20;
/** Steps either side of "now" a sign-in code may come from: one, for clocks a little off. */
export const SIGN_IN_WINDOW = 1;
/** Resync looks this many steps either side (±5 minutes) for the two consecutive codes. */
export const RESYNC_WINDOW = 10;

export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

export function stepAt(time: Date): number {
  return Math.floor(time.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export function codeAt(secretBase32: string, step: number): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    counter: step,
  });
}

export function isCodeShape(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/**
 * The steps in `centre ± window` whose code is `code`, latest first. Every step is
 * computed and compared in constant time, whether or not an earlier one matched.
 */
export function matchingSteps(secretBase32: string, code: string, centre: number, window: number): number[] {
  const found: number[] = [];
  for (let step = centre - window; step <= centre + window; step++) {
    if (safeEqual(codeAt(secretBase32, step), code)) found.push(step);
  }
  return found.sort((a, b) => b - a);
}

/**
 * The step `s` (latest first) where `code1` is the code of `s` and `code2` of `s + 1`,
 * with `s + 1` within `centre ± window`; null when there is none.
 */
export function consecutiveSteps(
  secretBase32: string,
  code1: string,
  code2: string,
  centre: number,
  window: number,
): number | null {
  const seconds = matchingSteps(secretBase32, code2, centre, window);
  let result: number | null = null;
  for (const second of seconds) {
    if (safeEqual(codeAt(secretBase32, second - 1), code1) && result === null) result = second - 1;
  }
  return result;
}

/** `otpauth://totp/<device>@<account>?secret=…` with the defaults left implicit, as AWS's QR code. */
export function otpauthUri(secretBase32: string, label: string, issuer: string): string {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

export async function qrCodePng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 5 });
}

export async function qrCodeDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, scale: 5 });
}

/** The TOTP secret sealed for its device row; it opens only with the same key and device ID. */
export function sealTotpSecret(keyring: Keyring, deviceId: string, secretBase32: string): string {
  return keyring.box('mfa-totp-secret').seal(secretBase32, deviceId);
}

export function openTotpSecret(keyring: Keyring, deviceId: string, sealed: string): string | null {
  return keyring.box('mfa-totp-secret').open(sealed, deviceId);
}
