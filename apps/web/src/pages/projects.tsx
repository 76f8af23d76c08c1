import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { EmptyState } from "../components/empty-state.js";
import { LoadMore } from "../components/load-more.js";
import { PageTitle } from "../components/page-title.js";
import { Loading, QueryError } from "../components/query-state.js";
import { RoleBadge } from "../components/role-badge.js";
import { formatDate, plural } from "../lib/format.js";
import { useTRPC } from "../trpc.js";
import { NewProjectForm } from "./new-project-form.js";

export const PROJECTS_PAGE_SIZE = 20;

export default function ProjectsPage() {
  const trpc = useTRPC();
  const [creating, setCreating] = useState(false);
  const projects = useInfiniteQuery(
    trpc.projects.list.infiniteQueryOptions(
      { limit: PROJECTS_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = projects.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page">
      <PageTitle>Projects</PageTitle>
      <header className="page-header page-header-row">
        <div>
          <h1>Projects</h1>
          <p className="lead">
            Each project is a namespace in the cluster, shared with the people you add to it.
          </p>
        </div>
        {creating ? null : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setCreating(true);
            }}
          >
            New project
          </button>
        )}
      </header>

      {creating ? (
        <NewProjectForm
          onCancel={() => {
            setCreating(false);
          }}
        />
      ) : null}

      {projects.isPending ? (
        <Loading what="your projects" />
      ) : projects.isError ? (
        <QueryError error={projects.error} retry={projects.refetch} what="your projects" />
      ) : items.length === 0 ? (
        creating ? null : (
          <EmptyState
            title="No projects yet"
            action={
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  setCreating(true);
                }}
              >
                Create your first project
              </button>
            }
          >
            <p>
              A project is where your apps run: BabyHelm gives it its own namespace in the cluster, with a
              resource budget and a network fence. Create one, then deploy an app into it.
            </p>
            <p>
              Expecting to see someone else&rsquo;s project? Ask its creator to add you by your email on its
              Collaborators tab.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <ul className="project-list" aria-label="Your projects">
            {items.map((project) => (
              <li key={project.name} className="card project-card">
                <div className="project-card-main">
                  <h2>
                    <Link to={`/projects/${encodeURIComponent(project.name)}`}>{project.name}</Link>
                  </h2>
                  <RoleBadge role={project.role} />
                </div>
                <p className="muted">
                  {project.appCount === 0 ? "No apps yet" : plural(project.appCount, "app")} · pack{" "}
                  <code>{project.pack}</code> · created {formatDate(project.createdAt)}
                </p>
              </li>
            ))}
          </ul>
          <LoadMore
            hasNextPage={projects.hasNextPage}
            isFetchingNextPage={projects.isFetchingNextPage}
            fetchNextPage={projects.fetchNextPage}
            what="projects"
          />
        </>
      )}
    </div>
  );
}
