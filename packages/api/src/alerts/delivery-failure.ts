// Why an alert did not reach its target, in the words a creator can act on: which step failed (DNS, connecting,
// TLS, the receiver's HTTP answer) and where, naming the host and a URL without its secret part.
import type { AlertTarget } from "@babyhelm/db";

/** A delivery that did not happen, said plainly and without the target's secret. */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
}

/** The URL as it may be shown: a Slack-style webhook's path is its secret, a Telegram URL's path holds the token. */
export function shownUrl(target: AlertTarget, url: URL): string {
  if (target.type === "slack") return `${url.protocol}//${url.host}/…`;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/bot[^/]*/, "/bot…")}`;
}

const UNTRUSTED_CERTIFICATE = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_CHAIN_TOO_LONG",
  "CERT_SIGNATURE_FAILURE",
]);

/**
 * The sentence for an error of node's HTTP client, without the secret: `Could not reach …` with what failed first.
 * Unknown errors keep their code or message, after the host, so nothing is hidden from whoever has to fix it.
 */
export function describeRequestFailure(
  error: unknown,
  where: { host: string; port: string; url: string; timeoutMs: number },
): string {
  const { host, url } = where;
  const code =
    typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
      ? (error as { code: string }).code
      : undefined;
  const name = error instanceof Error ? error.name : undefined;
  const endpoint = `${host}:${where.port}`;
  if (name === "TimeoutError" || name === "AbortError") {
    return `No answer from ${endpoint} within ${where.timeoutMs / 1000} s (${url}): check that the receiver is up and reachable from the BabyHelm server.`;
  }
  switch (code) {
    case "ENOTFOUND":
      return `DNS lookup of ${host} failed: no such host (${url}). Check the host name in the URL.`;
    case "EAI_AGAIN":
      return `DNS lookup of ${host} failed: the BabyHelm server's resolver did not answer (${url}). Try again; if it keeps failing, whoever runs BabyHelm should check its DNS.`;
    case "ECONNREFUSED":
      return `Connection to ${endpoint} was refused: nothing accepts connections there (${url}). Check the URL's host and port.`;
    case "ETIMEDOUT":
    case "ECONNABORTED":
      return `Connection to ${endpoint} timed out (${url}): a firewall may drop the traffic, or the host is down.`;
    case "ECONNRESET":
    case "EPIPE":
      return `${endpoint} closed the connection before answering (${url}).`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `No network route to ${endpoint} from the BabyHelm server (${url}).`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS with ${host} failed: its certificate is for another host name (${url}). Use the host name the certificate names, or fix the receiver's certificate.`;
    case "CERT_HAS_EXPIRED":
      return `TLS with ${host} failed: its certificate has expired (${url}). The receiver's certificate must be renewed.`;
    case "CERT_NOT_YET_VALID":
      return `TLS with ${host} failed: its certificate is not valid yet (${url}). Check the clocks of the receiver and of the BabyHelm server.`;
    default:
      break;
  }
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) {
    return `TLS with ${host} failed: its certificate is not trusted (self-signed, or from an authority the BabyHelm server does not know; ${code}) (${url}). Give the receiver a certificate from a public authority.`;
  }
  if (
    code !== undefined &&
    (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO")
  ) {
    return `TLS with ${host} failed: the handshake did not succeed (${code}) (${url}). Check that the receiver speaks https on port ${where.port}.`;
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return `Could not reach ${endpoint}: ${detail} (${url}).`;
}
