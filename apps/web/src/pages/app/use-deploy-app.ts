// The create and update calls both app forms (the dedicated one and the generic one) deploy with: on success a toast,
// the form's own clean-up, the app's page, and every list showing the app read again; on a refusal the form shows
// the issues, and a CONFLICT (someone deployed meanwhile) reads the app again so the form can say who and what.
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useToast } from "../../components/toast.js";
import { errorCode } from "../../lib/errors.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";

export function useDeployApp(
  project: string,
  handlers: { onDeployed(): void; onRefused(error: unknown): void },
) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const appPath = (name: string) =>
    `/projects/${encodeURIComponent(project)}/apps/${encodeURIComponent(name)}`;
  async function refreshLists(name: string) {
    await Promise.all([
      queryClient.invalidateQueries(trpc.apps.get.queryFilter({ project, name })),
      queryClient.invalidateQueries(trpc.apps.secrets.queryFilter({ project, name })),
      queryClient.invalidateQueries(trpc.apps.revisions.pathFilter()),
      queryClient.invalidateQueries(trpc.apps.list.pathFilter()),
      queryClient.invalidateQueries(trpc.projects.get.queryFilter({ name: project })),
      queryClient.invalidateQueries(trpc.projects.list.pathFilter()),
    ]);
  }
  const create = useSingleFlightMutation(
    trpc.apps.create.mutationOptions({
      onSuccess: async (created) => {
        toast.success(
          `App "${created.name}" is deploying (revision ${created.revision}). Its rollout shows here.`,
        );
        handlers.onDeployed();
        void navigate(appPath(created.name));
        await refreshLists(created.name);
      },
      onError: (error) => {
        handlers.onRefused(error);
      },
    }),
  );
  const update = useSingleFlightMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async (result, variables) => {
        toast.success(`Revision ${result.revision} of ${variables.name} is rolling out.`);
        handlers.onDeployed();
        void navigate(appPath(variables.name));
        await refreshLists(variables.name);
      },
      onError: async (error, variables) => {
        handlers.onRefused(error);
        if (errorCode(error) === "CONFLICT") await refreshLists(variables.name);
      },
    }),
  );
  return { create, update, appPath };
}
