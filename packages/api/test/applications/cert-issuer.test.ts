// BABYHELM_CERT_ISSUER: a TLS host that names no issuer gets the platform's; anything else is left as written.
import { describe, expect, it } from "vitest";
import { withCertIssuer } from "../../src/applications/cert-issuer.js";

const config = { certIssuer: "letsencrypt-prod" };
const hosts = (tls: unknown[], extra: Record<string, unknown> = {}) => ({
  image: "nginx:1.27",
  ingress: { hosts: tls.map((value, index) => ({ host: `h${index}.example.com`, tls: value })), ...extra },
});

describe("withCertIssuer", () => {
  it("fills ingress.clusterIssuer when a host asks for a certificate and none is named", () => {
    expect(withCertIssuer(hosts([false, true]), config)).toEqual(
      hosts([false, true], { clusterIssuer: "letsencrypt-prod" }),
    );
  });

  it("keeps the user's issuer, and adds none without a host asking for one", () => {
    const own = hosts([true], { clusterIssuer: "staging" });
    expect(withCertIssuer(own, config)).toBe(own);
    const existingSecret = hosts([{ secretName: "my-tls" }, false]);
    expect(withCertIssuer(existingSecret, config)).toBe(existingSecret);
  });

  it("fills 2.0's single-host tls without a secretName, and leaves one with a secretName", () => {
    const single = { image: "nginx:1.27", ingress: { host: "a.example.com", tls: {} } };
    expect(withCertIssuer(single, config)).toEqual({
      image: "nginx:1.27",
      ingress: { host: "a.example.com", tls: { clusterIssuer: "letsencrypt-prod" } },
    });
    const named = { image: "nginx:1.27", ingress: { host: "a.example.com", tls: { secretName: "x" } } };
    expect(withCertIssuer(named, config)).toBe(named);
  });

  it("changes nothing when the platform has no issuer", () => {
    const spec = hosts([true]);
    expect(withCertIssuer(spec, { certIssuer: undefined })).toBe(spec);
  });
});
