// Which address a request came from, behind reverse proxies. X-Forwarded-For is a list each proxy appends to, so
// only its right end, written by proxies this server trusts, can be believed: the left end is whatever the client
// sent. The client is therefore found by walking from the socket's address leftwards past the trusted proxies.
import { BlockList, isIP } from "node:net";

export type TrustProxy =
  /** No proxy: the socket's address. */
  | { kind: "none" }
  /**
   * This many proxies in front of the server, each appending the address it was connected from; `deprecated` says
   * what to set instead when it came from the old `true`.
   */
  | { kind: "hops"; hops: number; deprecated?: string }
  /** The proxies' own addresses: every address of the list, from the right, is skipped until one is not. */
  | { kind: "addresses"; proxies: BlockList; description: string };

/**
 * Reads TRUST_PROXY: false/0 or empty (no proxy), a hop count, or a comma-separated list of proxy addresses and
 * CIDR ranges. `true` (the old on/off flag, which trusted the whole header) means one proxy, as the usual
 * deployment has one. Throws an Error saying what is wrong.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (text === "" || text === "false") return { kind: "none" };
  if (text === "true") {
    return {
      kind: "hops",
      hops: 1,
      deprecated:
        "TRUST_PROXY=true means one proxy in front (TRUST_PROXY=1): set the hop count or the proxies' addresses",
    };
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error("must be a hop count of at most 32");
    return hops === 0 ? { kind: "none" } : { kind: "hops", hops };
  }
  const proxies = new BlockList();
  const entries = text.split(",").map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = "", prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (family === 0 || rest.length > 0 || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new Error(
        `"${entry}" is neither a hop count nor a proxy address or CIDR range: use e.g. 1, or 10.0.0.0/8,127.0.0.1`,
      );
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) proxies.addAddress(address, type);
    else if (bits > (family === 6 ? 128 : 32)) {
      throw new Error(`"${entry}": a prefix length is at most ${family === 6 ? 128 : 32}`);
    } else proxies.addSubnet(address, bits, type);
  }
  return { kind: "addresses", proxies, description: entries.join(",") };
}

/** The client's address, from the socket's and the X-Forwarded-For header(s) as `trust` allows. */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: TrustProxy,
): string {
  const socket = socketAddress ?? "unknown";
  if (trust.kind === "none" || forwardedFor === undefined) return socket;
  const chain = [...[forwardedFor].flat().flatMap((header) => header.split(",")), socket].map((entry) =>
    entry.trim(),
  );
  // From the right: index 0 is the socket. A malformed entry ends the walk: whoever wrote it cannot be trusted
  // to have written anything left of it, so the last well-formed address is the best known.
  let client = socket;
  for (let hop = 1; hop < chain.length; hop++) {
    if (trust.kind === "hops" ? hop > trust.hops : !isTrusted(client, trust.proxies)) break;
    const next = chain[chain.length - 1 - hop] ?? "";
    if (isIP(next) === 0) break;
    client = next;
  }
  return client;
}

function isTrusted(address: string, proxies: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
}
