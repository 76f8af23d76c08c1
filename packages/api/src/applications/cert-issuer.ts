// With cert-manager on the cluster (BABYHELM_CERT_ISSUER names a ClusterIssuer), asking for TLS is enough: the server
// names the issuer for the user, so the certificate is requested without anyone knowing the cluster's issuers.
import type { Config } from "../config.js";

/**
 * The spec with the platform's ClusterIssuer where it asks for a certificate and names no issuer: default@2.1's
 * `ingress.hosts` with a `tls: true` host, or 2.0's single host with `tls` but no `secretName`. Anything else, and
 * every spec when no issuer is configured, is returned as it is.
 */
export function withCertIssuer(spec: unknown, config: Pick<Config, "certIssuer">): unknown {
  const issuer = config.certIssuer;
  if (issuer === undefined || !isRecord(spec) || !isRecord(spec.ingress)) return spec;
  const ingress = spec.ingress;
  if (Array.isArray(ingress.hosts)) {
    const wantsCertificate = ingress.hosts.some((host) => isRecord(host) && host.tls === true);
    if (!wantsCertificate || ingress.clusterIssuer !== undefined) return spec;
    return { ...spec, ingress: { ...ingress, clusterIssuer: issuer } };
  }
  const tls = ingress.tls;
  if (!isRecord(tls) || tls.secretName !== undefined || tls.clusterIssuer !== undefined) return spec;
  return { ...spec, ingress: { ...ingress, tls: { ...tls, clusterIssuer: issuer } } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
