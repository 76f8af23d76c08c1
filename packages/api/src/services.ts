import type { Db } from "@babyhelm/db";
import type { Renderer } from "@babyhelm/manifest-sdk";
import type { AlertNotifier } from "./alerts/alert-notifier.js";
import type { CredentialCache } from "./auth/credential-cache.js";
import type { LoginLimits } from "./auth/login-limits.js";
import type { PasswordHasher } from "./auth/password.js";
import type { RateLimiter } from "./auth/rate-limiter.js";
import type { Cluster } from "./cluster/cluster.js";
import type { ClusterState } from "./cluster/state/cluster-state.js";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import type { Telemetry } from "./observability/telemetry.js";
import type { ConcurrencyLimit } from "./shared/concurrency-limit.js";
import type { SecretBox } from "./shared/secret-box.js";

/** Everything a procedure may use, made once at start (see server.ts) and shared by every request. */
export interface Services {
  config: Config;
  logger: Logger;
  /** Seals and opens the secrets stored in the database (alert targets). */
  secrets: SecretBox;
  db: Db;
  /** Writes, and reads of what the cache does not hold. */
  cluster: Cluster;
  /** BabyHelm's objects as the watches last saw them: what status, lists and usage read. */
  clusterState: ClusterState;
  renderer: Renderer;
  passwords: PasswordHasher;
  /** Attempts per client address, and failures per email and per address, which slow further attempts. */
  loginLimits: LoginLimits;
  /** Accounts created per client address. */
  registrationLimit: RateLimiter;
  /** Log streams each user holds open. */
  logStreams: ConcurrencyLimit;
  /** Validated session and API tokens, for a few seconds (see credential-cache.ts). */
  credentials: CredentialCache;
  now(): Date;
  /** The platform's own metrics (/metrics). */
  telemetry: Telemetry;
  /** Tells projects' alert targets about apps that fail, degrade or recover. */
  alerts: AlertNotifier;
  /**
   * Aborted when this server starts shutting down: /readyz answers 503, and streams end so that their clients
   * reconnect to another replica and resume.
   */
  stopping: AbortSignal;
}
