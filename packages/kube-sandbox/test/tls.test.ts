// The sandbox's self-signed certificate: it must parse on every start, whatever its random serial number.
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../src/tls.js";

describe("createSelfSignedCertificate", () => {
  it("makes certificates OpenSSL parses, for any random serial (a leading zero byte used to fail 1 start in 256)", () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const { certPem } = createSelfSignedCertificate();
      const certificate = new X509Certificate(certPem);
      expect(certificate.checkHost("localhost")).toBe("localhost");
    }
  });
});
