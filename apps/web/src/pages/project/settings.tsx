import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { useToast } from "../../components/toast.js";
import { TypeToConfirm } from "../../components/type-to-confirm.js";
import { describeError, errorCode } from "../../lib/errors.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";
import { AlertSettings } from "./alert-settings.js";
import { useProject } from "./project-layout.js";

export default function SettingsTab() {
  const project = useProject();
  if (project.role === "viewer") {
    return <p className="notice">Only creators of {project.name} can change its settings or delete it.</p>;
  }
  if (project.role === "editor") {
    return (
      <>
        <p className="notice">Only creators of {project.name} can change its settings or delete it.</p>
        <AlertSettings project={project.name} canEdit={false} />
      </>
    );
  }
  return (
    <>
      <AlertSettings project={project.name} canEdit />
      <DeleteProject name={project.name} appCount={project.appCount} />
    </>
  );
}

function DeleteProject({ name, appCount }: { name: string; appCount: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const remove = useSingleFlightMutation(
    trpc.projects.delete.mutationOptions({
      onSuccess: async (result) => {
        toast.success(
          result.namespaceRemoved
            ? `Project "${name}" and its namespace were deleted.`
            : `Project "${name}" was deleted; the cluster is still removing its namespace.`,
        );
        void navigate("/projects", { replace: true });
        queryClient.removeQueries(trpc.projects.get.queryFilter({ name }));
        await queryClient.invalidateQueries(trpc.projects.list.pathFilter());
      },
    }),
  );

  const precondition = errorCode(remove.error) === "PRECONDITION_FAILED";
  return (
    <section className="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this project</h2>
      <p>
        Deleting <strong>{name}</strong> removes its namespace from the cluster, with everything in it, and
        its collaborators and history from BabyHelm. It cannot be undone.
      </p>
      {appCount > 0 ? (
        <p className="notice">
          This project still has apps. Delete them first (on the{" "}
          <Link to={`/projects/${encodeURIComponent(name)}`}>Applications</Link> tab), so that nothing is
          removed by surprise.
        </p>
      ) : null}
      <TypeToConfirm
        name={name}
        error={
          remove.error === null
            ? undefined
            : precondition
              ? `${describeError(remove.error)} Apps are deleted one by one on the Applications tab; then come back here.`
              : describeError(remove.error)
        }
        pending={remove.isPending}
        action="Delete project"
        onConfirm={() => {
          remove.mutate({ name });
        }}
      />
    </section>
  );
}
