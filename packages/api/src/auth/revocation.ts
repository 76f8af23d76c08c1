import { z } from "zod";

/**
 * What to forget of the validated credentials every replica caches: never a token, only ids. A session's id is its
 * token's hash, which grants nothing.
 */
export const revocationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("session"), sessionId: z.string().min(1).max(128) }),
  /** Every session of a user (logoutAll); their API tokens stay. */
  z.object({ kind: z.literal("user-sessions"), userId: z.string().min(1).max(128) }),
  z.object({ kind: z.literal("api-token"), tokenId: z.string().min(1).max(128) }),
]);

export type Revocation = z.infer<typeof revocationSchema>;

/** The PostgreSQL channel revocations travel on. */
export const REVOCATION_CHANNEL = "babyhelm_revocations";
