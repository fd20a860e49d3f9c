import { openStoredBody } from '../shared/encryption.ts';
import type { Keyring } from '../shared/keyring.ts';

/**
 * Mail bodies carry live links and codes (password reset, unlock, verification), so they are
 * sealed at rest like access-key secrets: AES-256-GCM under a key derived from SECRET_KEY, with
 * the message's ID as associated data. Only the sender and the outbox readers open them, and
 * the sender erases them once the message is sent.
 */
export const MAIL_BODY_PURPOSE = 'mail-body';

export function sealMailBody(keyring: Keyring, messageId: string, body: string): string {
  return keyring.box(MAIL_BODY_PURPOSE).seal(body, messageId);
}

/**
 * The body: '' once erased, null when sealed under no key given (SECRET_KEY changed without
 * SECRET_KEY_PREVIOUS). A body queued before bodies were sealed is still plain text until
 * `gatehouse secret-key reseal` seals it; it reads as it is.
 */
export function openMailBody(keyring: Keyring, messageId: string, stored: string): string | null {
  return openStoredBody(keyring.box(MAIL_BODY_PURPOSE), messageId, stored);
}
