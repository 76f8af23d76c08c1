// The client's address behind proxies: only entries written by trusted proxies count, so whatever a client puts in
// X-Forwarded-For itself (the left end) never becomes its address.
import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustProxy } from "../src/shared/client-address.js";

const address = (socket: string, forwardedFor: string | string[] | undefined, trustProxy: string) =>
  clientAddress(socket, forwardedFor, parseTrustProxy(trustProxy));

describe("TRUST_PROXY", () => {
  it("reads off, hop counts, proxy lists, and the old true as one hop", () => {
    for (const off of ["", "false", "0", " "]) expect(parseTrustProxy(off)).toEqual({ kind: "none" });
    expect(parseTrustProxy("2")).toEqual({ kind: "hops", hops: 2 });
    expect(parseTrustProxy("true")).toMatchObject({
      kind: "hops",
      hops: 1,
      deprecated: expect.stringMatching(/TRUST_PROXY=1/),
    });
    expect(parseTrustProxy(" 10.0.0.0/8, 127.0.0.1,fd00::/8 ")).toMatchObject({
      kind: "addresses",
      description: "10.0.0.0/8,127.0.0.1,fd00::/8",
    });
  });

  it("refuses what is neither, saying what would do", () => {
    for (const bad of [
      "yes",
      "10.0.0.0/33",
      "fd00::/129",
      "10.0.0/8",
      "10.0.0.0/8/1",
      "10.0.0.0/x",
      "10.0.0.1,",
      "-1",
      "33",
    ]) {
      expect(() => parseTrustProxy(bad), bad).toThrow(/hop count|prefix length/);
    }
  });

  it("takes the socket's address when no proxy is trusted, whatever the header says", () => {
    expect(address("203.0.113.9", "1.2.3.4", "false")).toBe("203.0.113.9");
    expect(address("203.0.113.9", undefined, "1")).toBe("203.0.113.9");
  });

  it("with a hop count, takes the address the outermost trusted proxy saw, never the client's own entries", () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the one proxy appended the address it saw.
    expect(address("10.0.0.2", "1.2.3.4, 198.51.100.7", "1")).toBe("198.51.100.7");
    expect(address("10.0.0.2", "6.6.6.6, 1.2.3.4, 198.51.100.7", "1")).toBe("198.51.100.7");
    // Two proxies: a load balancer, then an ingress controller.
    expect(address("10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.2", "2")).toBe("198.51.100.7");
    // Fewer entries than hops (a request that skipped a proxy): the farthest address known.
    expect(address("10.0.0.3", "198.51.100.7", "3")).toBe("198.51.100.7");
    // Several headers count as one list, in order.
    expect(address("10.0.0.2", ["1.2.3.4", "198.51.100.7"], "1")).toBe("198.51.100.7");
  });

  it("with proxy addresses, skips trusted ones from the right and takes the first other", () => {
    const proxies = "10.0.0.0/8,127.0.0.1,fd00::/8";
    expect(address("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.1.1.1", proxies)).toBe("198.51.100.7");
    expect(address("::ffff:127.0.0.1", "1.2.3.4, 2001:db8::1", proxies)).toBe("2001:db8::1");
    expect(address("fd12::1", "1.2.3.4, 2001:db8::1, fd00::5", proxies)).toBe("2001:db8::1");
    // A client connecting directly is its own address, whatever it claims.
    expect(address("198.51.100.7", "10.0.0.9, 127.0.0.1", proxies)).toBe("198.51.100.7");
    // Every address trusted: the farthest one.
    expect(address("10.0.0.2", "10.0.0.9", proxies)).toBe("10.0.0.9");
  });

  it("stops at an entry that is no address: nothing left of it was written by a trusted proxy", () => {
    expect(address("10.0.0.2", "1.2.3.4, garbage", "1")).toBe("10.0.0.2");
    expect(address("10.0.0.2", "1.2.3.4, garbage, 10.0.0.1", "10.0.0.0/8")).toBe("10.0.0.1");
    expect(address("10.0.0.2", "", "2")).toBe("10.0.0.2");
  });
});
