// A project's settings: where its alerts go, and deleting it (with its apps) for creators; others see why they
// cannot.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useToast } from "../../components/toast.js";
import { TypeToConfirm } from "../../components/type-to-confirm.js";
import { describeError } from "../../lib/errors.js";
import { plural } from "../../lib/format.js";
import { withArticle, type ProjectRole } from "../../lib/roles.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC, useTRPCClient } from "../../trpc.js";
import { AlertSettings } from "./alert-settings.js";
import { useProject } from "./project-layout.js";

export default function SettingsTab() {
  const project = useProject();
  if (project.role !== "creator") {
    return (
      <>
        <p className="notice">Only creators of {project.name} can change its settings or delete it.</p>
        {project.role === "editor" ? <AlertSettings project={project.name} canEdit={false} /> : null}
        <DeleteProject name={project.name} appCount={project.appCount} role={project.role} />
      </>
    );
  }
  return (
    <>
      <AlertSettings project={project.name} canEdit />
      <DeleteProject name={project.name} appCount={project.appCount} role={project.role} />
    </>
  );
}

const PROGRESS_POLL_MS = 1000;

/**
 * Deleting a project deletes its apps first, one by one on the server; while that runs, the project's app count
 * (read apart from the page's own project query, which must not see the project vanish) says how far it got.
 */
function DeleteProject({ name, appCount, role }: { name: string; appCount: number; role: ProjectRole }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  /** The number of apps the person agreed to delete: the label and the progress keep it while the count falls. */
  const [confirmed, setConfirmed] = useState<number | undefined>(undefined);
  const remove = useSingleFlightMutation(
    trpc.projects.delete.mutationOptions({
      onSuccess: async (result) => {
        const apps =
          result.appsDeleted.length === 0 ? "" : `, its ${plural(result.appsDeleted.length, "app")}`;
        toast.success(
          result.namespaceRemoved
            ? `Project "${name}"${apps} and its namespace were deleted.`
            : `Project "${name}"${apps} ${apps === "" ? "was" : "were"} deleted; the cluster is still removing its namespace.`,
        );
        void navigate("/projects", { replace: true });
        queryClient.removeQueries(trpc.projects.get.queryFilter({ name }));
        await queryClient.invalidateQueries(trpc.projects.list.pathFilter());
      },
      onError: async () => {
        // The count may have changed (an app deployed or deleted meanwhile): show the current one.
        await queryClient.invalidateQueries(trpc.projects.get.queryFilter({ name }));
      },
    }),
  );
  const progress = useQuery({
    queryKey: ["project-deletion-progress", name],
    queryFn: () => client.projects.get.query({ name }),
    enabled: remove.isPending && (confirmed ?? 0) > 0,
    refetchInterval: PROGRESS_POLL_MS,
    retry: false,
    gcTime: 0,
  });
  const total = remove.isPending ? (confirmed ?? appCount) : appCount;
  const remaining = progress.data?.appCount ?? total;
  const apps = plural(total, "app");

  if (role !== "creator") {
    return (
      <section className="card danger-zone" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete this project</h2>
        <p id="delete-reason">
          Only creators of <strong>{name}</strong> can delete it; you are {withArticle(role)}. Ask a creator
          (see Collaborators).
        </p>
        <button type="button" className="button button-danger" disabled aria-describedby="delete-reason">
          {total === 0 ? "Delete project" : `Delete the project and its ${apps}`}
        </button>
      </section>
    );
  }

  return (
    <section className="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this project</h2>
      <p>
        Deleting <strong>{name}</strong>{" "}
        {total === 0 ? null : (
          <>
            first deletes its {apps} one by one (their objects in the cluster, their revisions and history),
            then{" "}
          </>
        )}
        removes its namespace from the cluster, with everything in it, and its collaborators and history from
        BabyHelm. It cannot be undone.
      </p>
      {remove.isPending && total > 0 ? (
        <p className="notice" role="status">
          {remaining > 0
            ? `Deleting apps: ${total - remaining} of ${total} deleted…`
            : `All ${apps} deleted; removing the namespace…`}
          <progress max={total} value={total - remaining} aria-label="Apps deleted" />
        </p>
      ) : null}
      <TypeToConfirm
        name={name}
        error={remove.error === null ? undefined : describeError(remove.error)}
        pending={remove.isPending}
        action={total === 0 ? "Delete project" : `Delete the project and its ${apps}`}
        onConfirm={() => {
          setConfirmed(appCount);
          remove.mutate(appCount === 0 ? { name } : { name, apps: appCount });
        }}
      />
    </section>
  );
}
