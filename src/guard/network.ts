import { isIPv4, isIPv6 } from 'node:net';

/** Networks of the addresses seen lately; beyond this many the oldest goes first. */
const networks = new Map<string, string>();
const NETWORKS_KEPT = 10_000;

/**
 * The network an address belongs to for throttling: its /24 for IPv4, its /64 for IPv6
 * (one customer's allocation, which an attacker can hop around inside for free).
 */
export function networkOf(ip: string): string {
  // Each attempt asks it several times (its bucket, the risk, a failure) for the same few addresses.
  let network = networks.get(ip);
  if (network === undefined) {
    network = computeNetworkOf(ip);
    if (networks.size >= NETWORKS_KEPT) networks.delete(networks.keys().next().value!);
    networks.set(ip, network);
  }
  return network;
}

function computeNetworkOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
  return address;
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  return groups.map((g) => (g.includes('.') ? g : g.toLowerCase().replace(/^0+(?=.)/, '')));
}
