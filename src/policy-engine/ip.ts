import { isIPv4, isIPv6 } from 'node:net';

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
type Address = Uint8Array;

export interface CidrRange {
  bytes: Address;
  prefix: number;
}

function parseIPv4(text: string): Address {
  return Uint8Array.from(text.split('.').map(Number));
}

function parseIPv6(text: string): Address {
  let full = text;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = parseIPv4(tail);
    full = `${text.slice(0, lastColon + 1) + ((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [left, right] = full.includes('::') ? full.split('::') : [full, undefined];
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const zeros = right === undefined ? 0 : 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(Math.max(0, zeros)).fill('0'), ...rightGroups];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const value = parseInt(groups[i] ?? '0', 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  return bytes;
}

/** `::ffff:a.b.c.d` is the IPv4 address a.b.c.d, so IPv4 ranges match it. */
function unmapIPv4(bytes: Address): Address {
  if (bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12);
  }
  return bytes;
}

/** Parses an IPv4 or IPv6 address; null when it is neither. Zone suffixes (`%eth0`) are ignored. */
export function parseIp(text: string): Address | null {
  const address = text.trim().replace(/%.*$/, '');
  if (isIPv4(address)) return parseIPv4(address);
  if (isIPv6(address)) return unmapIPv4(parseIPv6(address));
  return null;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). Null when malformed. */
export function parseCidr(text: string): CidrRange | null {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || addressText === undefined) return null;
  const v4 = isIPv4(addressText);
  if (!v4 && !isIPv6(addressText)) return null;
  const raw = v4 ? parseIPv4(addressText) : parseIPv6(addressText);
  const max = raw.length * 8;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > max) return null;
  }
  const bytes = unmapIPv4(raw);
  if (bytes.length !== raw.length) prefix = Math.max(0, prefix - 96);
  return { bytes, prefix };
}

export function cidrContains(range: CidrRange, address: Address): boolean {
  if (range.bytes.length !== address.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (range.bytes[i] !== address[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (range.bytes[whole]! & mask) === (address[whole]! & mask);
}
