// The project's apps with their live state: the list refreshes every few seconds while any app is deploying, and
// every app links to its own page (rollout, pods, revisions, logs).
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { AppStateBadge } from "../../components/app-state-badge.js";
import { EmptyState } from "../../components/empty-state.js";
import { LoadMore } from "../../components/load-more.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { progressLabel, splitPackRef, type AppSummary } from "../../lib/app-state.js";
import { formatDateTime, formatRelative } from "../../lib/format.js";
import { canManageApps } from "../../lib/roles.js";
import { useTRPC } from "../../trpc.js";
import { KeptVolumes } from "./kept-volumes.js";
import { useProject } from "./project-layout.js";
import { QuotaUsage } from "./quota-usage.js";

export const APPS_PAGE_SIZE = 20;
/** While something deploys, the list is read again this often; otherwise it stays as it is until revisited. */
export const APPS_REFRESH_MS = 3_000;

/** How soon to read the list again: soon while any app deploys, else not until the tab is visited again. */
export function refreshWhileDeploying(
  pages: readonly { items: readonly Pick<AppSummary, "status">[] }[] | undefined,
): number | false {
  const deploying = pages?.some((page) => page.items.some((app) => app.status?.state === "deploying"));
  return deploying === true ? APPS_REFRESH_MS : false;
}

export default function ApplicationsTab() {
  const project = useProject();
  const trpc = useTRPC();
  const apps = useInfiniteQuery({
    ...trpc.apps.list.infiniteQueryOptions(
      { project: project.name, limit: APPS_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    refetchInterval: (query) => refreshWhileDeploying(query.state.data?.pages),
  });
  const items = apps.data?.pages.flatMap((page) => page.items) ?? [];
  const projectPath = `/projects/${encodeURIComponent(project.name)}`;
  const mayDeploy = canManageApps(project.role);
  const deployLink = mayDeploy ? (
    <div className="button-row">
      <Link to={`${projectPath}/apps/new`} className="button button-primary">
        Deploy app
      </Link>
      <Link to={`${projectPath}/deploy-yaml`} className="button button-secondary">
        Deploy from YAML
      </Link>
    </div>
  ) : undefined;

  return (
    <>
      <section aria-labelledby="apps-title">
        <div className="section-header">
          <h2 id="apps-title">Applications</h2>
          {items.length > 0 ? deployLink : null}
        </div>
        {apps.isPending ? (
          <Loading what="the apps" />
        ) : apps.isError ? (
          <QueryError error={apps.error} retry={apps.refetch} what="the apps" />
        ) : items.length === 0 ? (
          <EmptyState title="No apps yet" action={deployLink}>
            <p>
              An app is one container image that BabyHelm keeps running in this project. You give it a name,
              the image (for example <code>nginxinc/nginx-unprivileged:1.27</code>) and the port it listens
              on; BabyHelm creates a Deployment and a Service, and shows the rollout as it happens.
            </p>
            {mayDeploy ? null : (
              <p>
                As a viewer you can look but not deploy. Ask a creator of <strong>{project.name}</strong> for
                the editor role if you need to.
              </p>
            )}
          </EmptyState>
        ) : (
          <>
            <ul className="app-list" aria-label={`Apps of ${project.name}`}>
              {items.map((app) => (
                <AppRow key={app.name} app={app} projectPath={projectPath} />
              ))}
            </ul>
            <LoadMore
              hasNextPage={apps.hasNextPage}
              isFetchingNextPage={apps.isFetchingNextPage}
              fetchNextPage={apps.fetchNextPage}
              what="apps"
            />
          </>
        )}
      </section>
      <KeptVolumes project={project.name} mayDelete={mayDeploy} />
      <QuotaUsage project={project.name} />
    </>
  );
}

function AppRow({ app, projectPath }: { app: AppSummary; projectPath: string }) {
  const status = app.status;
  return (
    <li className="app-row">
      <div className="app-row-main">
        <h3 className="app-row-name">
          <Link to={`${projectPath}/apps/${encodeURIComponent(app.name)}`}>{app.name}</Link>
        </h3>
        <AppStateBadge state={status?.state} />
        {status === null ? null : (
          <span className="muted app-row-replicas">{progressLabel(status.progress)}</span>
        )}
      </div>
      {status === null || status.message === "" ? null : (
        <p className={`app-row-message${status.state === "failed" ? " app-row-message-failed" : ""}`}>
          {status.message}
        </p>
      )}
      {status?.stale == null ? null : (
        <p className="stale-note" title={status.stale.message}>
          Not current: the cluster has not answered for {status.stale.ageSeconds} s
        </p>
      )}
      <p className="muted app-row-meta">
        {app.image === undefined ? null : (
          <>
            <code>{app.image}</code> ·{" "}
          </>
        )}
        revision {app.revision} · {splitPackRef(app.pack).name} {splitPackRef(app.pack).version} · updated{" "}
        <time dateTime={app.updatedAt} title={formatDateTime(app.updatedAt)}>
          {formatRelative(app.updatedAt)}
        </time>
      </p>
    </li>
  );
}
