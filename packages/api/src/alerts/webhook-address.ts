// Which addresses a project's webhook may reach. A creator chooses the URL and `alerts.test` reports the answer, so
// without this rule the server would be a way into the network it runs in (its cluster, its cloud's metadata
// service). Operators whose chat server is on their own network allow private addresses explicitly.
import { lookup as dnsLookup } from "node:dns";
import { BlockList, isIP } from "node:net";

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48], // local-use NAT64
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv6");
}

/** True for loopback, private, link-local and other addresses that are not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return privateRanges.check(address, "ipv4");
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) return isPrivateAddress(embedded);
  return privateRanges.check(address, "ipv6");
}

/**
 * The IPv4 address inside an IPv6 one that carries it to an IPv4 host: mapped (::ffff:0:0/96), translated
 * (::ffff:0:0:0/96, SIIT), IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). `64:ff9b::a9fe:a9fe` is 169.254.169.254 on a NAT64 network.
 */
function embeddedIPv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return v4(groups[6]!, groups[7]!);
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted quad as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad !== null) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** A URL's host as an address when it is one (`[::1]` gives `::1`), or undefined for a name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, "$1");
  return isIP(bare) === 0 ? undefined : bare;
}

/** Refusals say what to change: the URL, or the operator's setting. */
export function privateAddressReason(host: string, address: string): string {
  return `${host} is a private address (${address}): BabyHelm sends alerts only to public addresses unless its operator sets ALERT_PRIVATE_WEBHOOKS=true`;
}

/** What the URL's host obviously is without asking DNS: a private literal address, or the machine itself. */
export function obviouslyPrivate(url: URL): string | undefined {
  const literal = literalAddress(url.hostname);
  if (literal !== undefined) return isPrivateAddress(literal) ? literal : undefined;
  const name = url.hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost") ? "the server itself" : undefined;
}

export type Lookup = typeof dnsLookup;

/**
 * A `lookup` for http.request that refuses private answers. The connection goes to the address checked here, so a
 * name that resolves differently a moment later (DNS rebinding) cannot slip past.
 */
export function publicOnlyLookup(resolve: Lookup = dnsLookup): Lookup {
  const checked = ((hostname: string, options: object, callback: LookupCallback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, "", 4);
        return;
      }
      const all = addresses as unknown as { address: string; family: number }[];
      if (all.length === 0) {
        callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 4);
        return;
      }
      const refused = all.find((entry) => isPrivateAddress(entry.address));
      if (refused !== undefined) {
        callback(new PrivateAddressError(privateAddressReason(hostname, refused.address)), "", 4);
        return;
      }
      if ((options as { all?: boolean }).all === true) (callback as unknown as AllCallback)(null, all);
      else callback(null, all[0]!.address, all[0]!.family);
    });
  }) as unknown as Lookup;
  return checked;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;
type AllCallback = (
  error: NodeJS.ErrnoException | null,
  addresses: { address: string; family: number }[],
) => void;

export class PrivateAddressError extends Error {
  override readonly name = "PrivateAddressError";
  readonly code = "EPRIVATEADDRESS";
}
