// Authentication: the admin token the sandbox wrote into its kubeconfig (a member of system:masters, so never
// refused), or a ServiceAccount token the sandbox issued (judged by RBAC). Anything else is 401.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ServiceAccountTokens, UserInfo } from "./service-account-tokens.js";

export const ADMIN_USER: UserInfo = {
  name: "kubernetes-admin",
  groups: ["system:masters", "system:authenticated"],
};

export function authenticate(
  request: IncomingMessage,
  adminToken: string,
  tokens: ServiceAccountTokens,
): UserInfo | undefined {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return undefined;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(adminToken);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return ADMIN_USER;
  return tokens.authenticate(match[1]!);
}

/** system:masters is the superuser group: the authorizer is never asked. */
export function isSuperuser(user: UserInfo): boolean {
  return user.groups.includes("system:masters");
}
