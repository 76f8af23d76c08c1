// What a process hosting the API puts together at start: the services every procedure uses, request contexts,
// and the periodic jobs (apps/server/src/server.ts does this).
export { createAlertNotifier } from "./alerts/alert-notifier.js";
export { sealStoredAlertTargets } from "./alerts/alert.repository.js";
export { startDriftChecker } from "./applications/status/drift-checker.js";
export { CredentialCache } from "./auth/credential-cache.js";
export { type PasswordCost, createPasswordHasher } from "./auth/password.js";
export { DatabaseLimitStore } from "./auth/database-limit-store.js";
export {
  type CounterRef,
  type CounterState,
  type LimitKind,
  type LimitStore,
  MemoryLimitStore,
} from "./auth/limit-store.js";
export { LoginLimits } from "./auth/login-limits.js";
export { DEFAULT_THROTTLE_POLICY, LoginThrottle, type ThrottlePolicy } from "./auth/login-throttle.js";
export { RateLimiter } from "./auth/rate-limiter.js";
export { REVOCATION_CHANNEL, type Revocation } from "./auth/revocation.js";
export { type RevocationBus, startRevocationBus } from "./auth/revocation-bus.js";
export { type Cluster, type ClusterOptions, ClusterError, createCluster } from "./cluster/cluster.js";
export { ClusterState, type ClusterStateOptions } from "./cluster/state/cluster-state.js";
export {
  type ClusterSelection,
  type Config,
  LOG_LEVELS,
  type LogLevel,
  REGISTRATION_MODES,
  type RegistrationMode,
} from "./config.js";
export { type Context, createContextFactory, tagRequest } from "./context.js";
export { type Logger, createLogger } from "./logger.js";
export { startMetricsSampler } from "./metrics/metrics-sampler.js";
export { createTelemetry } from "./observability/telemetry.js";
export { appRouter } from "./root.js";
export type { Services } from "./services.js";
export { ConcurrencyLimit } from "./shared/concurrency-limit.js";
export { createSecretBox } from "./shared/secret-box.js";
export { clientAddress, parseTrustProxy, type TrustProxy } from "./shared/client-address.js";
