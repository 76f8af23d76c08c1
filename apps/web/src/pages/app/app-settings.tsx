// The app's pack (upgrading to a newer version, after seeing what it would change) and deleting the app, confirmed
// by typing its name. For creators and editors: viewers do not get this tab.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { FormError } from "../../components/field.js";
import { SelectField } from "../../components/select-field.js";
import { PendingButton } from "../../components/submit-button.js";
import { TextDiff } from "../../components/text-diff.js";
import { useToast } from "../../components/toast.js";
import { TypeToConfirm } from "../../components/type-to-confirm.js";
import { persistentVolumesOf } from "../../lib/app-draft.js";
import { compareVersions, splitPackRef, type AppContext } from "../../lib/app-state.js";
import { describeError } from "../../lib/errors.js";
import { plural } from "../../lib/format.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";

export function AppSettings({ context }: { context: AppContext }) {
  return (
    <>
      <PackUpgrade context={context} />
      <DeleteApp context={context} />
    </>
  );
}

function PackUpgrade({ context }: { context: AppContext }) {
  const { app, changed } = context;
  const trpc = useTRPC();
  const toast = useToast();
  const packs = useQuery({ ...trpc.apps.packs.queryOptions({ project: app.project }), staleTime: Infinity });
  const current = splitPackRef(app.pack);
  const newer = (packs.data ?? [])
    .filter((pack) => pack.name === current.name && compareVersions(pack.version, current.version) > 0)
    .sort((a, b) => compareVersions(b.version, a.version));
  const [chosen, setChosen] = useState<string | undefined>();
  const target = chosen ?? newer[0]?.ref;

  const preview = useSingleFlightMutation(trpc.apps.upgradePack.mutationOptions());
  const upgrade = useSingleFlightMutation(
    trpc.apps.upgradePack.mutationOptions({
      onSuccess: async (result) => {
        toast.success(
          `${app.name} now uses ${result.to}: revision ${result.revision ?? "?"} is rolling out.`,
        );
        preview.reset();
        await changed();
      },
    }),
  );
  const plan = preview.data !== undefined && preview.variables.to === target ? preview.data : undefined;

  return (
    <section className="card" aria-labelledby="pack-title">
      <h2 id="pack-title">Template pack</h2>
      <p>
        {app.name} is rendered with <code>{app.pack}</code>. An app stays on its pack version until you
        upgrade it, so a new version never changes a running app by surprise.
      </p>
      {packs.isPending ? (
        <p className="loading">Looking for newer versions…</p>
      ) : packs.isError ? (
        <p className="form-error">Could not list the packs. {describeError(packs.error)}</p>
      ) : newer.length === 0 || target === undefined ? (
        <p className="muted">This is the newest version of the {current.name} pack on this server.</p>
      ) : (
        <>
          <div className="form-row">
            <SelectField
              label="Upgrade to"
              value={target}
              options={newer.map((pack) => ({ value: pack.ref, label: pack.ref }))}
              onChange={(event) => {
                setChosen(event.target.value);
                preview.reset();
              }}
            />
          </div>
          <FormError message={preview.error === null ? undefined : describeError(preview.error)} />
          <FormError message={upgrade.error === null ? undefined : describeError(upgrade.error)} />
          {plan === undefined ? (
            <PendingButton
              type="button"
              variant="secondary"
              pending={preview.isPending}
              pendingLabel="Comparing…"
              onClick={() => {
                preview.mutate({ project: app.project, name: app.name, to: target, preview: true });
              }}
            >
              Preview the upgrade
            </PendingButton>
          ) : (
            <>
              <p>
                Moving from <code>{plan.from}</code> to <code>{plan.to}</code> changes{" "}
                {plan.changes.length === 0
                  ? "nothing in the manifests"
                  : plural(plan.changes.length, "object")}
                :
              </p>
              <TextDiff diff={plan.diff} label={`Changes of upgrading to ${plan.to}`} />
              <div className="form-actions">
                <PendingButton
                  type="button"
                  pending={upgrade.isPending}
                  pendingLabel="Upgrading…"
                  onClick={() => {
                    upgrade.mutate({
                      project: app.project,
                      name: app.name,
                      to: plan.to,
                      preview: false,
                      expectedRevision: app.revision,
                    });
                  }}
                >
                  Upgrade to {plan.to}
                </PendingButton>
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={upgrade.isPending}
                  onClick={() => {
                    preview.reset();
                  }}
                >
                  Cancel
                </button>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

function DeleteApp({ context }: { context: AppContext }) {
  const { app } = context;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const volumes = persistentVolumesOf(app.spec);
  const [keepVolumes, setKeepVolumes] = useState(false);
  const remove = useSingleFlightMutation(
    trpc.apps.delete.mutationOptions({
      onSuccess: async (result) => {
        toast.success(
          `App "${app.name}" was deleted, with its ${plural(result.deletedObjects, "Kubernetes object")}.${
            result.keptVolumes.length === 0
              ? ""
              : ` Kept ${plural(result.keptVolumes.length, "volume")} (${result.keptVolumes.join(", ")}): the project page lists them.`
          }`,
        );
        void navigate(`/projects/${encodeURIComponent(app.project)}`, { replace: true });
        queryClient.removeQueries(trpc.apps.get.queryFilter({ project: app.project, name: app.name }));
        await Promise.all([
          queryClient.invalidateQueries(trpc.apps.list.pathFilter()),
          queryClient.invalidateQueries(trpc.projects.get.pathFilter()),
          queryClient.invalidateQueries(trpc.projects.list.pathFilter()),
          queryClient.invalidateQueries(trpc.projects.volumes.pathFilter()),
          queryClient.invalidateQueries(trpc.projects.usage.pathFilter()),
        ]);
      },
    }),
  );

  return (
    <section className="card danger-zone" aria-labelledby="delete-app-title">
      <h2 id="delete-app-title">Delete this app</h2>
      <p>
        Deleting <strong>{app.name}</strong> removes its Deployment, Service and every other object BabyHelm
        made for it from the cluster, and its revisions from BabyHelm. It cannot be undone.
      </p>
      {volumes.length === 0 ? null : (
        <label className="choice keep-volumes">
          <input
            type="checkbox"
            checked={keepVolumes}
            disabled={remove.isPending}
            onChange={(event) => {
              setKeepVolumes(event.target.checked);
            }}
          />
          Keep the {volumes.length === 1 ? "volume's" : "volumes'"} data:{" "}
          {volumes.map((volume) => `${volume.name} (${volume.size})`).join(", ")}
        </label>
      )}
      {volumes.length === 0 ? null : (
        <p className="hint">
          {keepVolumes
            ? "The volumes stay in the project, listed on its page, until you delete them there."
            : "Unticked, the volumes and the data on them are deleted with the app."}
        </p>
      )}
      <TypeToConfirm
        name={app.name}
        error={remove.error === null ? undefined : describeError(remove.error)}
        pending={remove.isPending}
        action="Delete app"
        onConfirm={() => {
          remove.mutate({
            project: app.project,
            name: app.name,
            keepVolumes: keepVolumes && volumes.length > 0,
          });
        }}
      />
    </section>
  );
}
