// One app: its live status (a rollout progress bar fed by apps.watchStatus), the actions that change it, and tabs for
// its pods and events, environment, revisions, logs, metrics and settings. Tabs are `?tab=` links, so each can be
// linked to and the back button moves between them.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { AppStateBadge } from "../../components/app-state-badge.js";
import { ConfirmButton } from "../../components/confirm-button.js";
import { PageTitle } from "../../components/page-title.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { RoleBadge } from "../../components/role-badge.js";
import { RolloutProgress } from "../../components/rollout-progress.js";
import { PendingButton } from "../../components/submit-button.js";
import { useToast } from "../../components/toast.js";
import {
  envKeyOf,
  newestStatus,
  STATE_LABELS,
  type AppContext,
  type AppDetails,
  type AppStatus,
} from "../../lib/app-state.js";
import { describeError, errorCode } from "../../lib/errors.js";
import { formatDateTime, formatRelative } from "../../lib/format.js";
import { canManageApps } from "../../lib/roles.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";
import { AppEnvironment } from "./app-environment.js";
import { AppGone } from "./app-gone.js";
import { AppOverview } from "./app-overview.js";
import { ProblemReport } from "./app-problem.js";
import { AppRevisions } from "./app-revisions.js";
import { AppRuns } from "./app-runs.js";
import { AppSettings } from "./app-settings.js";
import { ChangeImage, editPath } from "./change-image.js";
import { ExportYaml } from "./export-yaml.js";
import { useWatchedStatus } from "./use-watched-status.js";

const AppLogs = lazy(() => import("./app-logs.js"));
const AppMetrics = lazy(() => import("./app-metrics.js"));

const TABS = [
  { id: "overview", label: "Overview" },
  { id: "environment", label: "Environment" },
  { id: "revisions", label: "Revisions" },
  { id: "logs", label: "Logs" },
  { id: "metrics", label: "Metrics" },
  { id: "settings", label: "Settings", managersOnly: true },
] as const;
type TabId = (typeof TABS)[number]["id"];

export default function AppPage() {
  const { name: project = "", app: name = "" } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [generation, setGeneration] = useState(0);
  const watched = useWatchedStatus(project, name, generation);
  const app = useQuery({
    ...trpc.apps.get.queryOptions({ project, name }),
    // The stream reports while something happens; afterwards a slow poll notices what happens later (a crash).
    refetchInterval: watched.live ? false : 15_000,
  });
  const projectPath = `/projects/${encodeURIComponent(project)}`;

  async function changed() {
    setGeneration((current) => current + 1);
    await Promise.all([
      queryClient.invalidateQueries(trpc.apps.get.queryFilter({ project, name })),
      // A save or a roll back may change which secret values run: who set them and their fingerprints.
      queryClient.invalidateQueries(trpc.apps.secrets.queryFilter({ project, name })),
      queryClient.invalidateQueries(trpc.apps.revisions.pathFilter()),
      queryClient.invalidateQueries(trpc.apps.list.pathFilter()),
    ]);
  }

  const breadcrumb = (
    <p className="breadcrumb">
      <Link to="/projects">Projects</Link> <span aria-hidden="true">/</span>{" "}
      <Link to={projectPath}>{project}</Link> <span aria-hidden="true">/</span>
    </p>
  );

  // Gone, whether the status stream or the next read (the slow poll, even after the page had the app) said so.
  const gone = watched.gone ?? (errorCode(app.error) === "NOT_FOUND" ? app.error : undefined);
  if (gone !== undefined) {
    return <AppGone project={project} name={name} error={gone} breadcrumb={breadcrumb} />;
  }
  if (app.isPending) return <Loading what={`app "${name}"`} wholePage />;
  // A failed read after the app was shown keeps what was shown; only without it is the failure the page.
  if (app.data === undefined)
    return <QueryError error={app.error} retry={app.refetch} what={`app "${name}"`} wholePage />;

  const details = app.data;
  const status = newestStatus(watched.status, details.status) ?? details.status;
  const context: AppContext = {
    app: { ...details, status },
    mayManage: canManageApps(details.yourRole),
    changed,
  };
  return (
    <div className="page">
      <PageTitle>{`${name} · ${project}`}</PageTitle>
      {breadcrumb}
      <AppHeader context={context} />
      <StatusCard context={context} live={watched.live} reconnecting={watched.reconnecting} />
      <AppTabs context={context} />
    </div>
  );
}

function AppHeader({ context }: { context: AppContext }) {
  const { app, mayManage } = context;
  return (
    <header className="page-header app-header">
      <div className="app-title">
        <h1>{app.name}</h1>
        <p className="muted">
          {app.image === undefined ? null : (
            <>
              Image <code>{app.image}</code> ·{" "}
            </>
          )}
          revision {app.revision} · pack <code>{app.pack}</code> · updated{" "}
          <time dateTime={app.updatedAt} title={formatDateTime(app.updatedAt)}>
            {formatRelative(app.updatedAt)}
          </time>
        </p>
        <p className="muted app-role">
          Your role: <RoleBadge role={app.yourRole} />
          {mayManage ? null : " (you can look, not change)"}
        </p>
        <ExportYaml app={app} />
      </div>
      {mayManage ? <AppActions context={context} /> : null}
    </header>
  );
}

/** Restart and Redeploy: for creators and editors (the server refuses viewers anyway). */
function AppActions({ context }: { context: AppContext }) {
  const { app } = context;
  const restart = useRestart(context);
  const redeploy = useRedeploy(context);
  // Where the problem says they cannot help (a pull failure, a quota), they are not offered: the status card says
  // what helps instead.
  const helps = app.status.problem?.helps ?? { restart: true, redeploy: true };
  return (
    <div className="app-actions">
      <Link to={editPath(app)} className="button button-secondary button-small">
        Edit
      </Link>
      {helps.restart ? (
        <ConfirmButton
          label="Restart"
          question={`Restart every pod of ${app.name}? They are replaced one by one.`}
          confirmLabel="Restart"
          pendingLabel="Restarting…"
          pending={restart.isPending}
          variant="secondary"
          onConfirm={() => {
            restart.mutate({ project: app.project, name: app.name });
          }}
        />
      ) : null}
      {app.status.state === "drifted" || !helps.redeploy ? null : (
        <PendingButton
          type="button"
          variant="secondary"
          className="button-small"
          pending={redeploy.isPending}
          pendingLabel="Redeploying…"
          title="Apply the current revision again, repairing anything changed outside BabyHelm"
          onClick={() => {
            redeploy.mutate({ project: app.project, name: app.name });
          }}
        >
          Redeploy
        </PendingButton>
      )}
    </div>
  );
}

function useRestart({ app, changed }: AppContext) {
  const trpc = useTRPC();
  const toast = useToast();
  return useSingleFlightMutation(
    trpc.apps.restart.mutationOptions({
      onSuccess: async () => {
        toast.success(`Restarting ${app.name}: new pods replace the old ones one by one.`);
        await changed();
      },
      onError: (error) => {
        toast.error(`Could not restart ${app.name}. ${describeError(error)}`);
      },
    }),
  );
}

function useRedeploy({ app, changed }: AppContext) {
  const trpc = useTRPC();
  const toast = useToast();
  return useSingleFlightMutation(
    trpc.apps.redeploy.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Revision ${result.revision} of ${app.name} was applied again.`);
        await changed();
      },
      onError: (error) => {
        toast.error(`Could not redeploy ${app.name}. ${describeError(error)}`);
      },
    }),
  );
}

/** Problems a different image may cure: for these the status card offers to change the image in place. */
const IMAGE_PROBLEMS: ReadonlySet<string> = new Set(["image-pull", "invalid-image", "crash-loop"]);

/** What a failed rollout leaves running, and the way back where there is one; the problem report says the rest. */
function FailedNext({ context: { app, mayManage } }: { context: AppContext }) {
  const { problem, replicas } = app.status;
  let next: string | undefined;
  if (!mayManage) next = "A creator or editor of the project can roll it back or fix it.";
  else if (app.revision > 1)
    next =
      "The pods of the previous revision keep serving if they can. Roll back to a revision that worked on the Revisions tab, or change what made this one fail.";
  else if (replicas.serving === 0)
    next =
      problem === null
        ? "Nothing serves yet. If the image is wrong, change it here: that deploys the next revision."
        : "Nothing serves yet.";
  return next === undefined ? null : <p className="status-next">{next}</p>;
}

function StatusCard({
  context,
  live,
  reconnecting,
}: {
  context: AppContext;
  live: boolean;
  reconnecting: boolean;
}) {
  const { app, mayManage } = context;
  const status: AppStatus = app.status;
  const redeploy = useRedeploy(context);
  const problem = status.problem;
  return (
    <section className={`card status-card status-${status.state}`} aria-labelledby="status-title">
      <div className="status-head">
        <h2 id="status-title">Status</h2>
        <AppStateBadge state={status.state} />
        {/* Plain text, not a live region: the status region below speaks for the state. */}
        {reconnecting ? (
          <span
            className="muted"
            title="The connection to the server broke; the status resumes once it is back"
          >
            Reconnecting…
          </span>
        ) : live ? (
          <span className="live-dot" title="Following the cluster as it changes">
            live
          </span>
        ) : null}
      </div>
      <p className="status-message">{problem?.summary ?? status.message}</p>
      {/*
        Screen readers hear changes of state, not every replica that becomes ready: the ticking message is not live,
        and this text changes only with the state (the message beside it says the rest).
      */}
      <p className="visually-hidden" role="status">
        Status: {STATE_LABELS[status.state]}
      </p>
      {status.stale === null ? null : (
        <p className="stale-note" role="alert">
          {status.stale.message}
        </p>
      )}
      <RolloutProgress state={status.state} progress={status.progress} serving={status.replicas.serving} />
      {status.runs === undefined ? null : <AppRuns app={app.name} runs={status.runs} />}
      {problem === null ? null : <ProblemReport problem={problem} mayManage={mayManage} />}
      {status.state === "failed" ? <FailedNext context={context} /> : null}
      {status.state === "failed" && mayManage && (problem === null || IMAGE_PROBLEMS.has(problem.kind)) ? (
        <ChangeImage key={app.revision} context={context} />
      ) : null}
      {status.state === "drifted" ? (
        <div className="drift-action">
          <p>
            {mayManage
              ? "Redeploy to put back what BabyHelm applied for the current revision."
              : "A creator or editor of the project can redeploy to restore it."}
          </p>
          {mayManage ? (
            <PendingButton
              type="button"
              pending={redeploy.isPending}
              pendingLabel="Redeploying…"
              onClick={() => {
                redeploy.mutate({ project: app.project, name: app.name });
              }}
            >
              Redeploy
            </PendingButton>
          ) : null}
        </div>
      ) : null}
      <AppLinks links={app.links} />
    </section>
  );
}

const LINK_LABELS: Record<AppDetails["links"][number]["kind"], string> = {
  ingress: "URL",
  "load-balancer": "Address",
  dashboard: "Dashboard",
};

function AppLinks({ links }: { links: AppDetails["links"] }) {
  if (links.length === 0) {
    return (
      <p className="muted app-links-none">
        No address outside the cluster: other apps of the project reach it by its name. Deploy it with an
        Ingress host or a LoadBalancer Service to open it to the world.
      </p>
    );
  }
  return (
    <ul className="app-links" aria-label="Links">
      {links.map((link) => (
        <li key={`${link.kind}:${link.url}`}>
          <span className="muted">{LINK_LABELS[link.kind]}</span>{" "}
          <a href={link.url} target="_blank" rel="noreferrer noopener">
            {link.kind === "dashboard" ? "CPU and memory in Grafana" : link.url}
          </a>
        </li>
      ))}
    </ul>
  );
}

function AppTabs({ context }: { context: AppContext }) {
  const [params] = useSearchParams();
  // A pack that describes no env list (a CronJob pack may have none) has no Environment tab.
  const tabs = TABS.filter(
    (tab) =>
      (!("managersOnly" in tab) || context.mayManage) &&
      (tab.id !== "environment" || envKeyOf(context.app) !== undefined),
  );
  const requested = params.get("tab");
  const current: TabId = tabs.find((tab) => tab.id === requested)?.id ?? "overview";
  return (
    <>
      <nav className="tabs" aria-label="App sections">
        {tabs.map((tab) => (
          <Link
            key={tab.id}
            to={{ search: tab.id === "overview" ? "" : `?tab=${tab.id}` }}
            aria-current={tab.id === current ? "page" : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <div className="tab-panel">
        {current === "overview" ? <AppOverview context={context} /> : null}
        {current === "environment" ? <AppEnvironment context={context} /> : null}
        {current === "revisions" ? <AppRevisions context={context} /> : null}
        {current === "settings" ? <AppSettings context={context} /> : null}
        {current === "logs" || current === "metrics" ? (
          <Suspense fallback={<Loading what={current} />}>
            {current === "logs" ? <AppLogs context={context} /> : <AppMetrics context={context} />}
          </Suspense>
        ) : null}
      </div>
    </>
  );
}
