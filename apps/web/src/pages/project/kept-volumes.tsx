// Volumes kept when their app was deleted (`apps.delete` with keepVolumes): their data stays in the project until
// an editor or creator deletes them here. Shown only when there are some.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "../../components/confirm-button.js";
import { FormError } from "../../components/field.js";
import { QueryError } from "../../components/query-state.js";
import { useToast } from "../../components/toast.js";
import { describeError } from "../../lib/errors.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";

export function KeptVolumes({ project, mayDelete }: { project: string; mayDelete: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const volumes = useQuery(trpc.projects.volumes.queryOptions({ name: project }));
  const remove = useSingleFlightMutation(
    trpc.projects.deleteVolume.mutationOptions({
      onSuccess: async (_result, variables) => {
        toast.success(`Volume ${variables.volume} and its data were deleted.`);
        await Promise.all([
          queryClient.invalidateQueries(trpc.projects.volumes.queryFilter({ name: project })),
          queryClient.invalidateQueries(trpc.projects.usage.queryFilter({ name: project })),
        ]);
      },
    }),
  );

  if (volumes.isPending) return null;
  if (volumes.isError)
    return <QueryError error={volumes.error} retry={volumes.refetch} what="the kept volumes" />;
  if (volumes.data.length === 0) return null;
  return (
    <section className="card kept-volumes" aria-labelledby="kept-volumes-title">
      <h2 id="kept-volumes-title">Kept volumes</h2>
      <p className="muted">
        Volumes kept when their app was deleted. They hold their data, and count against the project's
        storage, until deleted.
      </p>
      <FormError message={remove.error === null ? undefined : describeError(remove.error)} />
      <div className="table-wrap">
        <table className="stack-on-phone">
          <thead>
            <tr>
              <th scope="col">Volume</th>
              <th scope="col">Kept from</th>
              <th scope="col">Size</th>
              <th scope="col">Storage class</th>
              <th scope="col">Phase</th>
              {mayDelete ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {volumes.data.map((volume) => (
              <tr key={volume.name}>
                <th scope="row" data-label="Volume">
                  <code>{volume.name}</code>
                </th>
                <td data-label="Kept from">{volume.keptFrom}</td>
                <td data-label="Size">{volume.size ?? "—"}</td>
                <td data-label="Storage class">{volume.storageClass ?? "the cluster's default"}</td>
                <td data-label="Phase">{volume.phase ?? "—"}</td>
                {mayDelete ? (
                  <td data-label="Actions">
                    <ConfirmButton
                      label="Delete"
                      ariaLabel={`Delete volume ${volume.name}`}
                      question={`Delete volume ${volume.name} and the data on it? It cannot be undone.`}
                      confirmLabel="Delete volume"
                      pendingLabel="Deleting…"
                      pending={remove.isPending && remove.variables.volume === volume.name}
                      onConfirm={() => {
                        remove.mutate({ name: project, volume: volume.name });
                      }}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
