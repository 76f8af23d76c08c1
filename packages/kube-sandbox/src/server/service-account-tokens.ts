// ServiceAccount tokens, as the TokenRequest API (`POST .../serviceaccounts/{name}/token`) issues them: JWTs whose
// claims are the real ones (sub `system:serviceaccount:{ns}:{name}`, the `kubernetes.io` claim naming the account and
// its uid, exp), signed with HMAC-SHA256 under a key derived from the sandbox's admin token, so that a sandbox
// restored from its data folder still accepts the tokens it issued. A token stops working when it expires or when its
// ServiceAccount is deleted (or re-created: the uid differs), as bound tokens do.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { ObjectStore } from "../contract.js";
import { findResource } from "../resources.js";
import type { ResourceRequest } from "./context.js";
import { parseJson, readBody, sendJson } from "./http.js";
import { invalid, notFound } from "./status.js";

export const TOKEN_ISSUER = "https://kubernetes.default.svc.cluster.local";
/** The API server's defaults and floor for spec.expirationSeconds. */
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;

/** Who a request comes from, as the authenticators say (user.Info). */
export interface UserInfo {
  name: string;
  groups: string[];
}

interface Claims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  "kubernetes.io": { namespace: string; serviceaccount: { name: string; uid: string } };
}

const SERVICE_ACCOUNTS = findResource("", "v1", "serviceaccounts")!;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export class ServiceAccountTokens {
  private readonly key: Buffer;

  constructor(
    adminToken: string,
    private readonly store: ObjectStore,
  ) {
    this.key = createHash("sha256").update(`service-account-signing:${adminToken}`).digest();
  }

  /** A token for the ServiceAccount; undefined when it does not exist. */
  issue(
    namespace: string,
    name: string,
    options: { expirationSeconds?: number; audiences?: string[] } = {},
  ): { token: string; expirationTimestamp: string } | undefined {
    const account = this.store.get("serviceaccounts", namespace, name);
    if (!account) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (options.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS);
    const claims: Claims = {
      iss: TOKEN_ISSUER,
      sub: `system:serviceaccount:${namespace}:${name}`,
      aud: options.audiences && options.audiences.length > 0 ? options.audiences : [TOKEN_ISSUER],
      exp,
      iat: now,
      nbf: now,
      "kubernetes.io": { namespace, serviceaccount: { name, uid: account.metadata.uid } },
    };
    const unsigned = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(claims)}`;
    return {
      token: `${unsigned}.${this.sign(unsigned)}`,
      expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    };
  }

  /** The user a token stands for, or undefined when it is not one of ours, has expired or its account is gone. */
  authenticate(token: string): UserInfo | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const signature = Buffer.from(parts[2]!);
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return undefined;
    // Signed by us, so well-formed.
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Claims;
    if (claims.exp * 1000 <= Date.now()) return undefined;
    const { namespace, serviceaccount } = claims["kubernetes.io"];
    const account = this.store.get("serviceaccounts", namespace, serviceaccount.name);
    if (account?.metadata.uid !== serviceaccount.uid) return undefined;
    return {
      name: claims.sub,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
    };
  }

  private sign(unsigned: string): string {
    return createHmac("sha256", this.key).update(unsigned).digest("base64url");
  }
}

/** POST .../serviceaccounts/{name}/token: a TokenRequest in, the same TokenRequest with status.token out. */
export async function handleTokenRequest(
  tokens: ServiceAccountTokens,
  request: ResourceRequest,
): Promise<void> {
  const namespace = request.namespace ?? "";
  const name = request.name ?? "";
  const body = (parseJson(await readBody(request.request)) ?? {}) as {
    metadata?: Record<string, unknown>;
    spec?: { audiences?: string[]; expirationSeconds?: number };
  };
  const spec = body.spec ?? {};
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw invalid({ group: "authentication.k8s.io", kind: "TokenRequest" }, name, [
      {
        reason: "FieldValueInvalid",
        field: "spec.expirationSeconds",
        message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
      },
    ]);
  }
  const issued = tokens.issue(namespace, name, {
    expirationSeconds,
    ...(spec.audiences ? { audiences: spec.audiences } : {}),
  });
  if (!issued) throw notFound(SERVICE_ACCOUNTS, name);
  sendJson(request.response, 201, {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences: spec.audiences ?? [TOKEN_ISSUER], expirationSeconds, boundObjectRef: null },
    status: issued,
  });
}
