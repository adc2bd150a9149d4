import dns from "node:dns";
import net from "node:net";

/**
 * Addresses a webhook must never reach when private URLs are not allowed: loopback, private,
 * carrier-grade NAT, link-local (which holds the cloud metadata service, 169.254.169.254),
 * unique-local IPv6 (fd00:ec2::254 on AWS), local-use NAT64, multicast, documentation and
 * reserved ranges.
 */
const forbidden = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  forbidden.addSubnet(prefix, bits, "ipv4");
}
for (const [prefix, bits] of [
  ["::", 128],
  ["::1", 128],
  // Local-use NAT64 (RFC 8215): translates to whatever IPv4 network the operator chose.
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  forbidden.addSubnet(prefix, bits, "ipv6");
}

function expandIpv6(ip: string): number[] {
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const parse = (part: string) => (part ? part.split(":") : []);
  let groups = parse(head);
  let rest = tail === undefined ? [] : parse(tail);
  // A trailing dotted IPv4 counts as two groups.
  const lastOf = (list: string[]) => list[list.length - 1];
  const fixV4 = (list: string[]) => {
    const last = lastOf(list);
    if (last && last.includes(".")) {
      const b = last.split(".").map(Number);
      list.splice(list.length - 1, 1, ((b[0] << 8) | b[1]).toString(16), ((b[2] << 8) | b[3]).toString(16));
    }
    return list;
  };
  if (tail === undefined) groups = fixV4(groups);
  else rest = fixV4(rest);
  const missing = 8 - groups.length - rest.length;
  return [...groups, ...Array(Math.max(missing, 0)).fill("0"), ...rest].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(ip: string): string | null {
  const g = expandIpv6(ip);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return null;
}

/** True for an address a webhook may not be sent to unless private URLs are allowed. */
export function isForbiddenAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return forbidden.check(ip, "ipv4");
  if (family === 6) {
    const bare = ip.split("%")[0];
    const inner = embeddedIpv4(bare);
    if (inner && bare !== "::" && bare !== "::1") return isForbiddenAddress(inner);
    return forbidden.check(bare, "ipv6");
  }
  return true; // not an IP at all: refuse rather than guess
}

export class ForbiddenAddressError extends Error {
  readonly code = "EWEBHOOKFORBIDDEN";
}

const DNS_TIMEOUT_MS = 5000;

/**
 * Resolves a host the way the sender will, and throws unless every address is public. Any one
 * private answer refuses the host: a resolver may hand out any of them at send time.
 */
export async function assertPublicHost(hostname: string): Promise<string[]> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) {
    if (isForbiddenAddress(host)) throw new ForbiddenAddressError(`${host} is a private or reserved address`);
    return [host];
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup of ${host} timed out`)), DNS_TIMEOUT_MS);
  });
  try {
    const answers = await Promise.race([dns.promises.lookup(host, { all: true, verbatim: true }), timeout]);
    if (answers.length === 0) throw new Error(`${host} does not resolve`);
    const bad = answers.find((a) => isForbiddenAddress(a.address));
    if (bad) throw new ForbiddenAddressError(`${host} resolves to a private or reserved address`);
    return answers.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A `lookup` for http.request that refuses forbidden answers. Checking the addresses the socket
 * actually connects to (not an earlier resolution) closes the DNS-rebinding gap.
 */
export const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, "", 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isForbiddenAddress(a.address));
    if (bad || list.length === 0) {
      return callback(new ForbiddenAddressError(`${hostname} resolves to a private or reserved address`), "", 0);
    }
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};
