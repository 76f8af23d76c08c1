import type { Db } from "@babyhelm/db";
import type { Renderer } from "@babyhelm/manifest-sdk";
import type { RateLimiter } from "./auth/rate-limiter.js";
import type { PasswordHasher } from "./auth/password.js";
import type { Cluster } from "./cluster/cluster.js";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";

/** Everything a procedure may use, made once at start (see server.ts) and shared by every request. */
export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  cluster: Cluster;
  renderer: Renderer;
  passwords: PasswordHasher;
  loginLimits: { byIp: RateLimiter; byEmail: RateLimiter };
  now(): Date;
}
