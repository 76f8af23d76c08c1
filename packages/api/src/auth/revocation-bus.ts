import type { Db } from "@babyhelm/db";
import type { Logger } from "../logger.js";
import type { CredentialCache } from "./credential-cache.js";
import { REVOCATION_CHANNEL, revocationSchema } from "./revocation.js";

export interface RevocationBus {
  /** Whether revocations of other replicas reach this one right now (the cache is trusted only then). */
  readonly listening: boolean;
  /** Resolves true once listening (at once if it is), or false after `timeoutMs`. */
  whenListening(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Makes this replica's credential cache forget what any replica revokes (revocation.service.ts notifies). While the
 * listening connection is down, notices may be missed, so the cache is not trusted until it is back: a lost
 * connection costs lookups, never staleness. Undefined on PGlite, where this process is the only one.
 */
export function startRevocationBus(
  db: Db,
  credentials: CredentialCache,
  logger: Logger,
): RevocationBus | undefined {
  if (db.backend !== "postgres") return undefined;
  credentials.distrust();
  let firstUp: () => void = () => undefined;
  const listening = new Promise<true>((resolve) => {
    firstUp = () => {
      resolve(true);
    };
  });
  const listener = db.listen(REVOCATION_CHANNEL, {
    message: (payload) => {
      const parsed = revocationSchema.safeParse(parseJson(payload));
      if (parsed.success) credentials.forget(parsed.data);
      else logger.warn({ channel: REVOCATION_CHANNEL }, "ignored a malformed revocation notice");
    },
    up: () => {
      credentials.trust();
      firstUp();
      logger.info({ channel: REVOCATION_CHANNEL }, "listening for revocations: the credential cache is on");
    },
    down: (error) => {
      credentials.distrust();
      logger.warn(
        { channel: REVOCATION_CHANNEL, err: error },
        "not listening for revocations: every request looks its credential up until the connection is back",
      );
    },
  });
  if (listener === undefined) {
    credentials.trust();
    return undefined;
  }
  return {
    get listening() {
      return listener.listening;
    },
    whenListening: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, timeoutMs);
      });
      try {
        return await Promise.race([listening, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop: () => listener.close(),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
