// One project: its header (name, your role) and its tabs. Each tab is a route of its own, so it can be linked to
// and the browser's back button moves between them.
import { useQuery } from "@tanstack/react-query";
import { Link, NavLink, Outlet, useOutletContext, useParams } from "react-router";
import type { RouterOutputs } from "@babyhelm/api";
import { PageTitle } from "../../components/page-title.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { RoleBadge } from "../../components/role-badge.js";
import { errorCode } from "../../lib/errors.js";
import { formatDate, plural } from "../../lib/format.js";
import { canManageApps, ROLE_ABILITIES } from "../../lib/roles.js";
import { useTRPC } from "../../trpc.js";

export type Project = RouterOutputs["projects"]["get"];

/** What every tab of a project page gets from the page. */
export function useProject(): Project {
  return useOutletContext<Project>();
}

export default function ProjectLayout() {
  const { name = "" } = useParams();
  const trpc = useTRPC();
  const project = useQuery({
    ...trpc.projects.get.queryOptions({ name }),
    // A slow poll, so that a page left open learns when someone deletes the project (NOT_FOUND below).
    refetchInterval: 60_000,
  });

  if (project.isPending) return <Loading what={`project "${name}"`} wholePage />;
  if (project.isError) {
    if (errorCode(project.error) === "NOT_FOUND") {
      return (
        <div className="page">
          <PageTitle>Project not found</PageTitle>
          <h1>Project not found</h1>
          <p>
            There is no project named <code>{name}</code> that you are a member of. It may have been deleted,
            or you may not have been added to it yet: ask its creator to add you on its Collaborators tab.
          </p>
          <p>
            <Link to="/projects">Back to your projects</Link>
          </p>
        </div>
      );
    }
    return <QueryError error={project.error} retry={project.refetch} what={`project "${name}"`} wholePage />;
  }

  const { role } = project.data;
  const base = `/projects/${encodeURIComponent(name)}`;
  return (
    <div className="page">
      <PageTitle>{`${project.data.name} · Projects`}</PageTitle>
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> <span aria-hidden="true">/</span>
      </p>
      <header className="page-header project-header">
        <div className="project-title">
          <h1>{project.data.name}</h1>
          <p className="muted">
            Namespace <code>{project.data.namespace}</code> · pack <code>{project.data.pack}</code> ·{" "}
            {project.data.appCount === 0 ? "no apps yet" : plural(project.data.appCount, "app")} · created{" "}
            {formatDate(project.data.createdAt)}
          </p>
        </div>
        <p className="your-role">
          Your role: <RoleBadge role={role} />
          <span className="muted your-role-text">You may {ROLE_ABILITIES[role]}.</span>
        </p>
      </header>
      <nav className="tabs" aria-label="Project sections">
        <NavLink to={base} end>
          Applications
        </NavLink>
        <NavLink to={`${base}/collaborators`}>Collaborators</NavLink>
        {canManageApps(role) ? <NavLink to={`${base}/audit`}>Audit log</NavLink> : null}
        {role === "creator" ? <NavLink to={`${base}/settings`}>Settings</NavLink> : null}
      </nav>
      <div className="tab-panel">
        <Outlet context={project.data} />
      </div>
    </div>
  );
}
