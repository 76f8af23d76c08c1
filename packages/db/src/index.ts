export { createDb, type Db, type DbConfig } from "./create-db.js";
export type { Database } from "./database.js";
export { migrations } from "./migrations/index.js";
export type { ApiToken, ApiTokenTable } from "./tables/api-token.table.js";
export type {
  AppRevision,
  AppRevisionTable,
  Application,
  ApplicationTable,
  Json,
} from "./tables/app.table.js";
export type { AuditEvent, AuditEventTable } from "./tables/audit-event.table.js";
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
