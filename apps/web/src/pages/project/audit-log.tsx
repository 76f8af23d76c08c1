import { useInfiniteQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@babyhelm/api";
import { EmptyState } from "../../components/empty-state.js";
import { LoadMore } from "../../components/load-more.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { formatDateTime, formatRelative } from "../../lib/format.js";
import { canManageApps, withArticle } from "../../lib/roles.js";
import { useTRPC } from "../../trpc.js";
import { useProject } from "./project-layout.js";

type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];

const AUDIT_PAGE_SIZE = 25;

function text(details: AuditEvent["details"], key: string): string {
  const value = (details as Record<string, unknown> | null)?.[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : "?";
}

/** The event in a sentence that follows the actor's email: "added bo@example.com as a viewer". */
export function describeAuditEvent(event: Pick<AuditEvent, "action" | "app" | "details">): string {
  const { details } = event;
  const app = event.app === null ? "" : ` ${event.app}`;
  switch (event.action) {
    case "project.create":
      return `created the project (pack ${text(details, "pack")})`;
    case "project.delete":
      return "deleted the project";
    case "member.add":
      return `added ${text(details, "email")} as ${withArticle(text(details, "role"))}`;
    case "member.updateRole":
      return `changed ${text(details, "email")} from ${text(details, "from")} to ${text(details, "to")}`;
    case "member.remove":
      return `removed ${text(details, "email")} (${text(details, "role")})`;
    case "member.transferOwnership":
      return `handed the project over to ${text(details, "to")}`;
    default: {
      // Actions added later (the apps' create, update, rollback…) still read sensibly.
      const [subject = "", verb = event.action] = event.action.split(".");
      return subject === "app" ? `${verb} app${app}` : `${event.action}${app}`;
    }
  }
}

export default function AuditLogTab() {
  const project = useProject();
  const trpc = useTRPC();
  const allowed = canManageApps(project.role);
  const events = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(
      { project: project.name, limit: AUDIT_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    enabled: allowed,
  });

  if (!allowed) {
    return (
      <p className="notice">
        The audit log is for creators and editors of the project. Ask a creator of {project.name} for the
        editor role if you need it.
      </p>
    );
  }
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="audit-title">
      <div className="section-header">
        <h2 id="audit-title">Audit log</h2>
      </div>
      <p className="muted">Who changed what in this project, newest first.</p>
      {events.isPending ? (
        <Loading what="the audit log" />
      ) : events.isError ? (
        <QueryError error={events.error} retry={events.refetch} what="the audit log" />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing recorded yet">
          <p>Changes to the project, its collaborators and its apps will be listed here.</p>
        </EmptyState>
      ) : (
        <>
          <ol className="audit-list">
            {items.map((event) => (
              <li key={event.id}>
                <time dateTime={event.at} title={formatDateTime(event.at)}>
                  {formatRelative(event.at)}
                </time>
                <span>
                  <strong>{event.actor ?? "someone (account deleted)"}</strong> {describeAuditEvent(event)}
                </span>
              </li>
            ))}
          </ol>
          <LoadMore
            hasNextPage={events.hasNextPage}
            isFetchingNextPage={events.isFetchingNextPage}
            fetchNextPage={events.fetchNextPage}
            what="events"
          />
        </>
      )}
    </section>
  );
}
