import { describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from '../../test/support/harness.ts';
import { authenticDevice, issueDeviceCookie, trustedDevice } from './device-cookie.ts';
import { networkOf } from '../guard/network.ts';

describe('networkOf', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:0:12:abcd::1', '2001:db8:0:12::/64'],
    ['2001:0DB8:0000:0012:ffff:ffff:ffff:ffff', '2001:db8:0:12::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('puts %s in %s', (ip, network) => expect(networkOf(ip)).toBe(network));
});

describe('device cookie', () => {
  it('proves its device only for the identifier it was issued for, and cannot be altered', () => {
    const cookie = issueDeviceCookie(TEST_SECRET_KEY, 'root:owner@example.com');
    const deviceId = authenticDevice(TEST_SECRET_KEY, cookie)?.id ?? null;
    expect(deviceId).toMatch(/^[a-z2-7]{16}$/);
    expect(trustedDevice(TEST_SECRET_KEY, cookie, 'root:owner@example.com')).toBe(deviceId);
    expect(trustedDevice(TEST_SECRET_KEY, cookie, 'root:other@example.com')).toBeNull();
    expect(cookie).not.toContain('owner');
    const forged = cookie.replace(/^[a-z2-7]/, (c) => (c === 'a' ? 'b' : 'a'));
    expect(trustedDevice(TEST_SECRET_KEY, forged, 'root:owner@example.com')).toBeNull();
    expect(trustedDevice(Buffer.alloc(32, 1), cookie, 'root:owner@example.com')).toBeNull();
    // Signing in again on the same browser keeps its device ID.
    expect(
      authenticDevice(TEST_SECRET_KEY, issueDeviceCookie(TEST_SECRET_KEY, 'root:owner@example.com', deviceId!))?.id,
    ).toBe(deviceId);
  });
});
