// `@babyhelm/api/testing`: what the server's integration tests inspect beyond the API itself (repositories, the
// periodic jobs' single runs, pure checks), and the polling helper every suite uses. Not for production code.
export * from "../../src/runtime.js";
export type { LogLine } from "../../src/index.js";
export { type AlertMessage, deliverAlert } from "../../src/alerts/alert-delivery.js";
export { DeliveryError, describeRequestFailure } from "../../src/alerts/delivery-failure.js";
export { type Lookup, isPrivateAddress } from "../../src/alerts/webhook-address.js";
export { readAppStatus } from "../../src/applications/status/app-status.js";
export { listPacks } from "../../src/applications/app-read.service.js";
export { checkDrift } from "../../src/applications/status/drift-checker.js";
export { APP_LABEL, APP_OWNED_KINDS, PROJECT_LABEL } from "../../src/cluster/owned-labels.js";
export { createApiToken, validateApiToken } from "../../src/auth/api-token.repository.js";
export { type Credential } from "../../src/auth/credential-cache.js";
export { passwordWeakness } from "../../src/auth/password.js";
export {
  SESSION_LIFETIME_MS,
  createSession,
  validateSessionToken,
} from "../../src/auth/session.repository.js";
export { insertUser } from "../../src/auth/user.repository.js";
export { NO_METRICS_API, readAppMetrics } from "../../src/metrics/app-metrics.js";
export { sampleMetrics } from "../../src/metrics/metrics-sampler.js";
export { readProjectUsage } from "../../src/metrics/project-usage.js";
export { waitFor } from "../cluster/helpers.js";
