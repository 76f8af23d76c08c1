// Deploying an app into a project, or editing a deployed one (`/apps/:app/edit`): the app form and its live preview,
// for the project's creators and editors.
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { Link, useParams } from "react-router";
import { PageTitle } from "../components/page-title.js";
import { Loading, QueryError } from "../components/query-state.js";
import { RoleBadge } from "../components/role-badge.js";
import { dedicatedFormFits } from "../lib/app-draft.js";
import type { Pack } from "../lib/app-state.js";
import { errorCode } from "../lib/errors.js";
import { canManageApps } from "../lib/roles.js";
import { useTRPC } from "../trpc.js";
import { AppForm } from "./app/app-form.js";

// Packs without a form of their own get one made from their JSON Schema, by a library only they need.
const GenericAppForm = lazy(() => import("./app/generic-app-form.js"));

function fitsDedicatedForm(packs: readonly Pack[], ref: string): boolean {
  const pack = packs.find((candidate) => candidate.ref === ref);
  return pack === undefined || dedicatedFormFits(pack.specSchema);
}

export default function DeployAppPage() {
  const { name = "", app: appName } = useParams();
  const editing = appName !== undefined;
  const trpc = useTRPC();
  const project = useQuery(trpc.projects.get.queryOptions({ name }));
  const mayDeploy = project.data !== undefined && canManageApps(project.data.role);
  // Polled, so that an edit learns early that someone else deployed meanwhile.
  const app = useQuery({
    ...trpc.apps.get.queryOptions({ project: name, name: appName ?? "" }),
    enabled: editing && mayDeploy,
    refetchInterval: 15_000,
  });
  const packs = useQuery({
    ...trpc.apps.packs.queryOptions({ project: name }),
    enabled: mayDeploy,
    staleTime: Infinity,
  });
  const projectPath = `/projects/${encodeURIComponent(name)}`;
  // A new app's pack, once chosen: the pack selects live in the form, and the form follows the pack.
  const [chosenPack, setChosenPack] = useState<string>();
  const genericForm = (props: Parameters<typeof GenericAppForm>[0]) => (
    <Suspense fallback={<Loading what="the pack's form" />}>
      <GenericAppForm {...props} />
    </Suspense>
  );

  let body;
  if (project.isPending) body = <Loading what={`project "${name}"`} />;
  else if (project.isError) {
    body =
      errorCode(project.error) === "NOT_FOUND" ? (
        <p className="notice">
          There is no project named <code>{name}</code> that you are a member of.{" "}
          <Link to="/projects">Back to your projects</Link>
        </p>
      ) : (
        <QueryError error={project.error} retry={project.refetch} what={`project "${name}"`} />
      );
  } else if (!mayDeploy) {
    body = (
      <div className="notice">
        <p>
          You are a <RoleBadge role={project.data.role} /> of {name}: viewers can look at apps but not deploy
          them. Ask a creator of the project for the editor role if you need to.
        </p>
        <p>
          <Link to={projectPath}>Back to {name}</Link>
        </p>
      </div>
    );
  } else if (packs.isPending) body = <Loading what="the template packs" />;
  else if (packs.isError)
    body = <QueryError error={packs.error} retry={packs.refetch} what="the template packs" />;
  else if (editing) {
    if (app.isPending) body = <Loading what={`app "${appName}"`} />;
    else if (app.isError)
      body = <QueryError error={app.error} retry={app.refetch} what={`app "${appName}"`} />;
    else if (!packs.data.some((pack) => pack.ref === app.data.pack))
      body = (
        <p className="form-error">
          This server no longer has the pack {app.data.pack} that {appName} uses, so it cannot be edited here.
        </p>
      );
    else if (!fitsDedicatedForm(packs.data, app.data.pack))
      body = genericForm({ project: name, packs: packs.data, packRef: app.data.pack, app: app.data });
    else body = <AppForm key={appName} project={name} packs={packs.data} app={app.data} />;
  } else {
    // Packs an operator keeps for existing apps only are not offered for new ones.
    const offered = packs.data.filter((pack) => pack.openToNewApps);
    const packRef = chosenPack ?? (offered.find((pack) => pack.default) ?? offered[0])?.ref;
    if (packRef === undefined) {
      body = (
        <p className="form-error">
          This server offers no template packs for new apps, so nothing can be deployed.
        </p>
      );
    } else if (!fitsDedicatedForm(offered, packRef)) {
      body = genericForm({ project: name, packs: offered, packRef, onPackChange: setChosenPack });
    } else {
      body = (
        <AppForm project={name} packs={offered} initialPack={chosenPack} onGenericPack={setChosenPack} />
      );
    }
  }

  return (
    <div className="page page-wide">
      <PageTitle>{editing ? `Edit ${appName} · ${name}` : `Deploy an app · ${name}`}</PageTitle>
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> <span aria-hidden="true">/</span>{" "}
        <Link to={projectPath}>{name}</Link> <span aria-hidden="true">/</span>
        {editing ? (
          <>
            {" "}
            <Link to={`${projectPath}/apps/${encodeURIComponent(appName)}`}>{appName}</Link>{" "}
            <span aria-hidden="true">/</span>
          </>
        ) : null}
      </p>
      <header className="page-header">
        <h1>{editing ? `Edit ${appName}` : "Deploy an app"}</h1>
        <p className="lead">
          {editing
            ? "Change what you need; the preview shows what changes against what runs now. Deploying makes a new revision, which the Revisions tab can roll back."
            : "Give BabyHelm an image and the port it listens on; everything else has sensible defaults. The preview shows exactly what will be applied to the cluster."}
        </p>
      </header>
      {body}
    </div>
  );
}
