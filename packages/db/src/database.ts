import type { AlertTargetTable, AppAlertStateTable } from "./tables/alert.table.js";
import type { ApiTokenTable } from "./tables/api-token.table.js";
import type { AppSecretVersionTable } from "./tables/app-secret.table.js";
import type { ApplicationTable, AppRevisionTable } from "./tables/app.table.js";
import type { AuditEventTable } from "./tables/audit-event.table.js";
import type { AuthLimitCounterTable } from "./tables/auth-limit-counter.table.js";
import type { IngressHostTable } from "./tables/ingress-host.table.js";
import type { InvitationTable } from "./tables/invitation.table.js";
import type { PodMetricSampleTable } from "./tables/pod-metric-sample.table.js";
import type { ProjectMemberTable, ProjectTable } from "./tables/project.table.js";
import type { SessionTable } from "./tables/session.table.js";
import type { UserTable } from "./tables/user.table.js";

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  projects: ProjectTable;
  project_members: ProjectMemberTable;
  applications: ApplicationTable;
  app_revisions: AppRevisionTable;
  app_secret_versions: AppSecretVersionTable;
  audit_events: AuditEventTable;
  pod_metric_samples: PodMetricSampleTable;
  alert_targets: AlertTargetTable;
  app_alert_states: AppAlertStateTable;
  ingress_hosts: IngressHostTable;
  invitations: InvitationTable;
  auth_limit_counters: AuthLimitCounterTable;
}
