export type { ChannelEvents, ChannelListener } from "./channel-listener.js";
export { createDb, type Db, type DbConfig, type PoolStats } from "./create-db.js";
export type { Database } from "./database.js";
export { migrations } from "./migrations/index.js";
export {
  ALERT_TARGET_TYPES,
  type AlertTarget,
  type AlertTargetTable,
  type AlertTargetType,
  type AppAlertState,
  type AppAlertStateTable,
} from "./tables/alert.table.js";
export type { ApiToken, ApiTokenTable } from "./tables/api-token.table.js";
export type { AppSecretEntry, AppSecretVersion, AppSecretVersionTable } from "./tables/app-secret.table.js";
export type {
  AppRevision,
  AppRevisionTable,
  Application,
  ApplicationTable,
  Json,
} from "./tables/app.table.js";
export type { AuditEvent, AuditEventTable } from "./tables/audit-event.table.js";
export type { AuthLimitCounter, AuthLimitCounterTable } from "./tables/auth-limit-counter.table.js";
export type { IngressHost, IngressHostTable } from "./tables/ingress-host.table.js";
export type { Invitation, InvitationTable } from "./tables/invitation.table.js";
export type { PodMetricSample, PodMetricSampleTable } from "./tables/pod-metric-sample.table.js";
export {
  PROJECT_ROLES,
  type Project,
  type ProjectMember,
  type ProjectMemberTable,
  type ProjectRole,
  type ProjectTable,
} from "./tables/project.table.js";
export type { Session, SessionTable } from "./tables/session.table.js";
export type { NewUser, User, UserTable } from "./tables/user.table.js";
