// The app form, for a new app and for an edit of a deployed one: a pack and its version (fixed when editing), then the
// app's image, ports, variables, scaling, resources, health checks and exposure, with a live preview beside it (the
// manifests of a new app, the diff against what runs for an edit). Issues show beside their inputs: the pack's JSON
// Schema as the person types, then the server's own issues (from the preview, and from the deploy itself). Unsaved
// edits are kept as a draft of the signed-in user until deployed or discarded.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState, type SubmitEvent } from "react";
import { Link } from "react-router";
import { DNS_1035_LABEL } from "@babyhelm/manifest-sdk/names";
import { DraftNotice } from "../../components/draft-notice.js";
import { EnvEditor } from "../../components/env-editor.js";
import { Field, FormError } from "../../components/field.js";
import { useLeaveGuard } from "../../components/leave-guard.js";
import { SelectField } from "../../components/select-field.js";
import { PendingButton } from "../../components/submit-button.js";
import {
  dedicatedFormFits,
  draftIssues,
  emptyDraft,
  emptyPort,
  imageWarning,
  isWithin,
  placeIssues,
  PROBE_KINDS,
  schemaDefault,
  secretValuesOf,
  shapeOf,
  specForEdit,
  specFromDraft,
  withoutSecretValues,
  type AppDraft,
  type ProbeDraft,
  type ProbeKind,
} from "../../lib/app-draft.js";
import type { AppDetails, Pack } from "../../lib/app-state.js";
import { useDraft } from "../../lib/drafts.js";
import { describeError, errorCode, fieldIssues, type FieldIssue } from "../../lib/errors.js";
import { describeIssue, fieldLabel } from "../../lib/form-labels.js";
import type { JsonSchema } from "../../lib/schema-check.js";
import { useFocusFirstInvalid } from "../../lib/use-focus-invalid.js";
import { useTRPC } from "../../trpc.js";
import {
  CommandSection,
  FilesSection,
  HostsFields,
  Section,
  VolumesSection,
  type FormBinding,
} from "./app-form-sections.js";
import { useSecretInfo } from "./app-secrets.js";
import { editBaseOf, EditConflict, type EditBase } from "./edit-conflict.js";
import { ManifestPreview, useManifestPreview } from "./manifest-preview.js";
import { PackPicker, packVersions } from "./pack-picker.js";
import { QuotaBudget } from "./quota-budget.js";
import { useDeployApp } from "./use-deploy-app.js";

const PROBE_HINTS: Record<ProbeKind, string> = {
  liveness: "Restarts the container when it stops answering.",
  readiness: "Sends traffic only to pods that answer.",
  startup: "Gives a slow starter time before the other checks begin.",
};

/** An image that runs as a non-root user, as default@2's hardening requires. */
export const IMAGE_EXAMPLE = "nginxinc/nginx-unprivileged:1.27";

interface FormState {
  packRef: string;
  draft: AppDraft;
  /** Only when editing. */
  base?: EditBase;
}

/** A new app (`app` undefined) or an edit of `app`: one form for both. */
export function AppForm({
  project,
  packs,
  app,
  initialPack,
  onGenericPack,
}: {
  project: string;
  packs: readonly Pack[];
  app?: AppDetails | undefined;
  /** A new app's pack to start with (default: the server's default pack). */
  initialPack?: string | undefined;
  /** A new app: a pack chosen that this form cannot write (see dedicatedFormFits), for the page's generic form. */
  onGenericPack?: (ref: string) => void;
}) {
  const trpc = useTRPC();
  const startPack =
    app === undefined
      ? (packs.find((pack) => pack.ref === initialPack) ?? packs.find((pack) => pack.default) ?? packs[0]!)
          .ref
      : (packs.find((pack) => pack.ref === app.pack) ?? packs[0]!).ref;
  const startShape = shapeOf((packs.find((pack) => pack.ref === startPack) ?? packs[0]!).specSchema);
  // What the form starts from (and returns to on Discard): empty, or the revision of the app that runs now.
  const startBase = app === undefined ? undefined : editBaseOf(app, startShape);
  const initial: FormState =
    startBase === undefined
      ? { packRef: startPack, draft: emptyDraft() }
      : { packRef: startPack, draft: startBase.draft, base: startBase };
  const form = useDraft<FormState>(
    app === undefined ? [project, "new", "deploy"] : [project, app.name, "edit"],
    initial,
    (state) => JSON.stringify(state.draft) !== JSON.stringify(state.base?.draft ?? emptyDraft()),
    (state) => ({ ...state, draft: withoutSecretValues(state.draft) }),
  );
  const { draft, packRef, base } = form.value;
  const setDraft = (next: AppDraft) => {
    form.set({ ...form.value, draft: next });
  };
  const setPackRef = (next: string) => {
    const chosen = packs.find((candidate) => candidate.ref === next);
    if (chosen !== undefined && !dedicatedFormFits(chosen.specSchema)) onGenericPack?.(next);
    else form.set({ ...form.value, packRef: next });
  };
  const pack = packs.find((candidate) => candidate.ref === packRef) ?? packs[0]!;
  const schema = pack.specSchema as JsonSchema;
  const shape = useMemo(() => shapeOf(schema), [schema]);
  const editing = app !== undefined && base !== undefined;
  const secretInfo = useSecretInfo(project, app?.name, shape.secrets);
  // Untouched, an edit follows the app (someone else's deploy, a roll back).
  if (app !== undefined && !form.dirty && base !== undefined && base.revision !== app.revision) {
    form.discard(initial);
  }

  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [deployIssues, setDeployIssues] = useState<FieldIssue[]>([]);
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const leave = useLeaveGuard(form.dirty, editing ? `changes to ${app.name}` : "changes to this new app");

  const formSpec = useMemo(() => specFromDraft(draft, shape), [draft, shape]);
  const spec = useMemo(
    () => (base === undefined ? formSpec : specForEdit(base.spec, formSpec)),
    [base, formSpec],
  );
  function onRefused(error: unknown) {
    setDeployIssues(fieldIssues(error));
    focusFirstInvalid();
  }
  const { create, update, appPath } = useDeployApp(project, {
    onDeployed: () => {
      form.saved(initial);
      leave.allowLeaving();
    },
    onRefused,
  });
  const deploy = editing ? update : create;

  // The form's own checks run on every change; the server's preview only once typing pauses.
  const local = placeIssues(draftIssues(draft, schema), draft, shape);
  const preview = useManifestPreview({
    project,
    name: draft.name,
    pack: packRef,
    spec,
    intent: editing ? "update" : "create",
    changedSecrets: shape.secrets ? Object.keys(secretValuesOf(draft.env)) : [],
  });
  // With BABYHELM_INGRESS_DOMAINS set, the server offers a free <app>-<project>.<domain> host.
  const suggestedHost = useQuery({
    ...trpc.apps.suggestHost.queryOptions({ project, name: draft.name.trim() }),
    enabled:
      (shape.hosts ? draft.hosts.length === 0 : draft.ingressHost.trim() === "") &&
      DNS_1035_LABEL.test(draft.name.trim()),
    staleTime: 30_000,
  }).data?.host;
  const previewError = preview.settled.name === draft.name.trim() ? preview.query.error : null;
  const previewed = placeIssues(fieldIssues(previewError), draft, shape);
  const deployed = placeIssues(deployIssues, draft, shape);

  /** Shown once the person has left the input (or its section), or tried to deploy. */
  function visible(path: string): boolean {
    return submitted || [...touched].some((done) => isWithin(done, path) || isWithin(path, done));
  }
  function errorAt(path: string): string | undefined {
    if (visible(path)) {
      const found = local.byPath.get(path) ?? previewed.byPath.get(path);
      if (found !== undefined) return found;
    }
    // A taken name is said as soon as the preview knows it, not only once the field is left.
    if (path === "name" && !editing) {
      const taken = previewed.byPath.get("name");
      if (taken !== undefined && errorCode(previewError) === "BAD_REQUEST") return taken;
    }
    return deployed.byPath.get(path);
  }
  function touch(path: string) {
    if (!touched.has(path)) setTouched(new Set([...touched, path]));
  }
  /** Every change names what it changed: the server's old issues about it no longer apply. */
  function edit(path: string, next: AppDraft) {
    setDraft(next);
    if (deployIssues.length > 0) {
      setDeployIssues(
        deployIssues.filter((issue) => {
          const placed = placeIssues([issue], draft, shape).byPath.keys().next().value;
          return placed === undefined || !(isWithin(placed, path) || isWithin(path, placed));
        }),
      );
    }
  }
  /** Props for a text input bound to one string of the draft, labelled as its messages name it. */
  function bind(path: string, value: string, set: (value: string) => AppDraft) {
    return {
      label: fieldLabel(path),
      value,
      error: errorAt(path),
      onChange: (event: { target: { value: string } }) => {
        edit(path, set(event.target.value));
      },
      onBlur: () => {
        touch(path);
      },
    };
  }

  const staleConflict = editing && (app.revision !== base.revision || errorCode(deploy.error) === "CONFLICT");
  const unplaced = [...local.unplaced, ...deployed.unplaced];
  const general =
    staleConflict && errorCode(deploy.error) === "CONFLICT" && fieldIssues(deploy.error).length === 0
      ? undefined
      : deploy.error !== null && fieldIssues(deploy.error).length === 0
        ? describeError(deploy.error)
        : unplaced.length > 0 && (submitted || deployed.unplaced.length > 0)
          ? `Please correct: ${unplaced.map(describeIssue).join("; ")}.`
          : undefined;

  // Only the values typed: an untouched secret keeps the value the server holds.
  const typedSecrets = secretValuesOf(draft.env);
  const secretValues =
    shape.secrets && Object.keys(typedSecrets).length > 0 ? { secretValues: typedSecrets } : {};
  const binding: FormBinding = { draft, errorAt, edit, touch, bind };

  function send(expectedRevision?: number, over?: unknown) {
    if (app === undefined) {
      create.mutate({ project, name: draft.name.trim(), pack: packRef, spec, ...secretValues });
      return;
    }
    const stored = over ?? base?.spec;
    update.mutate({
      project,
      name: app.name,
      spec: specForEdit(stored, formSpec),
      expectedRevision: expectedRevision ?? base?.revision ?? app.revision,
      ...secretValues,
    });
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    setDeployIssues([]);
    deploy.reset();
    if (draftIssues(draft, schema).length > 0) {
      focusFirstInvalid();
      return;
    }
    send();
  }

  const versions = packVersions(packs, pack);
  const firstPort = draft.ports[0]?.port.trim() || "the first port";

  const warning = imageWarning(draft.image);
  // A version of this pack that describes secrets, newest first, for the hint of one that has none.
  const withSecrets = versions.find((version) => shapeOf(version.specSchema).secrets);
  return (
    <div className="deploy-layout">
      <form
        ref={formRef}
        className="deploy-form"
        onSubmit={submit}
        noValidate
        aria-label={editing ? `Edit ${app.name}` : "New app"}
      >
        {leave.question}
        {form.restored ? (
          <DraftNotice
            what={editing ? `changes to ${app.name}` : "new app"}
            hasSecrets={draft.env.some((variable) => variable.secret === true)}
            onDiscard={() => {
              form.discard(initial);
              setSubmitted(false);
              setDeployIssues([]);
              deploy.reset();
            }}
          />
        ) : null}
        {staleConflict ? (
          <EditConflict
            app={app}
            base={base}
            pending={update.isPending}
            onReload={(rebased, newBase) => {
              form.set({ packRef, draft: rebased, base: newBase });
              update.reset();
            }}
            onOverwrite={() => {
              setSubmitted(true);
              if (draftIssues(draft, schema).length > 0) focusFirstInvalid();
              else send(app.revision, app.spec);
            }}
            mine={draft}
            shape={shape}
          />
        ) : null}
        <FormError message={general} />

        <Section title="App">
          <div className="form-grid">
            <Field
              name="name"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder="web"
              readOnly={editing}
              hint={
                editing
                  ? "An app keeps its name: every object is named after it."
                  : "Lowercase letters, digits and '-', starting with a letter. Every object is named after it."
              }
              {...bind("name", draft.name, (name) => ({ ...draft, name }))}
            />
            <Field
              name="image"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder={IMAGE_EXAMPLE}
              hint={
                warning === undefined ? (
                  "A container image reference, with a version tag."
                ) : (
                  <span className="field-warning">Warning: {warning}</span>
                )
              }
              {...bind("image", draft.image, (image) => ({ ...draft, image }))}
            />
          </div>
          <PackPicker editing={app?.pack} packs={packs} pack={pack} onChange={setPackRef} />
        </Section>

        <Section
          title="Ports"
          hint={
            shape.ports === "list"
              ? "The ports the container listens on. The Service exposes each one on the same number."
              : `${pack.ref} exposes one port: the Service's port, sent to the container's port.`
          }
          error={errorAt("ports")}
        >
          {draft.ports.map((port, index) => {
            const at = `ports[${index}]`;
            const setPort = (change: Partial<typeof port>) => ({
              ...draft,
              ports: draft.ports.map((row, rowIndex) => (rowIndex === index ? { ...row, ...change } : row)),
            });
            return (
              <div key={index} className="port-row" role="group" aria-label={`Port ${index + 1}`}>
                <Field
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder="80"
                  {...bind(`${at}.port`, port.port, (value) => setPort({ port: value }))}
                />
                <Field
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder={port.port === "" ? "same" : port.port}
                  {...bind(`${at}.containerPort`, port.containerPort, (value) =>
                    setPort({ containerPort: value }),
                  )}
                />
                {shape.ports === "list" ? (
                  <>
                    <Field
                      autoComplete="off"
                      autoCapitalize="none"
                      placeholder={draft.ports.length > 1 ? "http" : "optional"}
                      {...bind(`${at}.name`, port.name, (value) => setPort({ name: value }))}
                    />
                    <SelectField
                      label="Protocol"
                      value={port.protocol}
                      error={errorAt(`${at}.protocol`)}
                      options={["TCP", "UDP", "SCTP"].map((protocol) => ({
                        value: protocol,
                        label: protocol,
                      }))}
                      onChange={(event) => {
                        edit(`${at}.protocol`, setPort({ protocol: event.target.value }));
                      }}
                    />
                    {draft.ports.length > 1 ? (
                      <button
                        type="button"
                        className="button button-small button-quiet-danger port-remove"
                        aria-label={`Remove port ${index + 1}`}
                        onClick={() => {
                          edit("ports", {
                            ...draft,
                            ports: draft.ports.filter((_row, rowIndex) => rowIndex !== index),
                          });
                        }}
                      >
                        Remove
                      </button>
                    ) : null}
                  </>
                ) : null}
              </div>
            );
          })}
          {shape.ports === "list" ? (
            <button
              type="button"
              className="button button-small button-secondary"
              onClick={() => {
                edit("ports", { ...draft, ports: [...draft.ports, emptyPort()] });
              }}
            >
              Add port
            </button>
          ) : null}
        </Section>

        {shape.envKey === undefined ? null : (
          <Section
            title="Environment variables"
            hint={
              shape.secrets
                ? "Plain values are stored with the app's revisions and visible to everyone in the project. Switch on Secret for passwords and keys: their values are kept sealed, never shown again, and given to the pods from a Kubernetes Secret."
                : `Values are stored with the app's revisions and visible to everyone in the project: keep secrets out${withSecrets === undefined ? "" : ` (${withSecrets.ref} keeps secret variables)`}.`
            }
            error={errorAt("env")}
          >
            <EnvEditor
              secrets={shape.secrets}
              secretInfo={secretInfo}
              value={draft.env}
              errorAt={errorAt}
              onFieldBlur={touch}
              onChange={(env) => {
                edit("env", { ...draft, env });
              }}
            />
          </Section>
        )}

        {shape.command ? <CommandSection form={binding} /> : null}

        {shape.scaling ? (
          <Section title="Scaling" error={draft.scaling === "auto" ? errorAt("autoscaling") : undefined}>
            <div className="choice-row" role="radiogroup" aria-label="How many pods">
              <label className="choice">
                <input
                  type="radio"
                  name="scaling"
                  checked={draft.scaling === "fixed"}
                  onChange={() => {
                    edit("autoscaling", { ...draft, scaling: "fixed" });
                  }}
                />
                A fixed number of replicas
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name="scaling"
                  checked={draft.scaling === "auto"}
                  onChange={() => {
                    edit("replicas", { ...draft, scaling: "auto" });
                  }}
                />
                Autoscale with load
              </label>
            </div>
            {draft.scaling === "fixed" ? (
              <div className="form-grid">
                <Field
                  inputMode="numeric"
                  placeholder="1"
                  hint="How many pods run the app (0 to 1000)."
                  {...bind("replicas", draft.replicas, (replicas) => ({ ...draft, replicas }))}
                />
              </div>
            ) : (
              <div className="form-grid form-grid-4">
                {(
                  [
                    ["min", "2"],
                    ["max", "5"],
                    ["cpuPercent", "80"],
                    ["memoryPercent", "none"],
                  ] as const
                ).map(([key, placeholder]) => (
                  <Field
                    key={key}
                    inputMode="numeric"
                    placeholder={placeholder}
                    {...bind(`autoscaling.${key}`, draft.autoscaling[key], (value) => ({
                      ...draft,
                      autoscaling: { ...draft.autoscaling, [key]: value },
                    }))}
                  />
                ))}
              </div>
            )}
          </Section>
        ) : null}

        {shape.resources ? (
          <Section
            title="Resources"
            hint="What each pod is guaranteed (requests) and may not exceed (limits). Empty fields take the pack's defaults."
            error={errorAt("resources")}
          >
            <div className="form-grid form-grid-4">
              {(
                [
                  ["requestsCpu", ["resources", "requests", "cpu"]],
                  ["requestsMemory", ["resources", "requests", "memory"]],
                  ["limitsCpu", ["resources", "limits", "cpu"]],
                  ["limitsMemory", ["resources", "limits", "memory"]],
                ] as const
              ).map(([key, schemaPath]) => (
                <Field
                  key={key}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={schemaDefault(schema, schemaPath) ?? "none"}
                  {...bind(schemaPath.join("."), draft.resources[key], (value) => ({
                    ...draft,
                    resources: { ...draft.resources, [key]: value },
                  }))}
                />
              ))}
            </div>
          </Section>
        ) : null}

        {shape.probes ? (
          <Section
            title="Health checks"
            hint="Kubernetes asks the app whether it is alive and ready. None by default."
            error={errorAt("probes")}
          >
            {PROBE_KINDS.map((kind) => {
              const probe = draft.probes[kind];
              const title = `${kind[0]!.toUpperCase()}${kind.slice(1)}`;
              const setProbe = (change: Partial<ProbeDraft>) => ({
                ...draft,
                probes: { ...draft.probes, [kind]: { ...probe, ...change } },
              });
              return (
                <div key={kind} className="probe-row">
                  <SelectField
                    label={`${title} check`}
                    hint={PROBE_HINTS[kind]}
                    value={probe.type}
                    error={errorAt(`probes.${kind}`) ?? errorAt(`probes.${kind}.type`)}
                    options={[
                      { value: "none", label: "None" },
                      { value: "http", label: "HTTP request" },
                      { value: "tcp", label: "TCP connection" },
                    ]}
                    onChange={(event) => {
                      edit(`probes.${kind}`, setProbe({ type: event.target.value as ProbeDraft["type"] }));
                    }}
                  />
                  {probe.type === "http" ? (
                    <Field
                      autoComplete="off"
                      placeholder="/"
                      {...bind(`probes.${kind}.path`, probe.path, (path) => setProbe({ path }))}
                    />
                  ) : null}
                  {probe.type === "none" ? null : (
                    <Field
                      autoComplete="off"
                      placeholder={firstPort}
                      {...bind(`probes.${kind}.port`, probe.port, (port) => setProbe({ port }))}
                    />
                  )}
                </div>
              );
            })}
          </Section>
        ) : null}

        {shape.volumes ? <VolumesSection form={binding} /> : null}
        {shape.files ? <FilesSection form={binding} /> : null}

        {shape.service || shape.ingress ? (
          <Section
            title="Exposure"
            hint="Who can reach the app."
            error={errorAt("service") ?? errorAt("ingress")}
          >
            {shape.service ? (
              <div className="form-grid">
                <SelectField
                  label="Service type"
                  value={draft.serviceType}
                  error={errorAt("service.type")}
                  options={[
                    { value: "ClusterIP", label: "Inside the cluster only (ClusterIP)" },
                    { value: "LoadBalancer", label: "A public address (LoadBalancer)" },
                  ]}
                  onChange={(event) => {
                    edit("service", {
                      ...draft,
                      serviceType: event.target.value as AppDraft["serviceType"],
                    });
                  }}
                />
                {draft.serviceType === "LoadBalancer" ? (
                  <Field
                    autoComplete="off"
                    placeholder="the cluster's default"
                    {...bind("service.loadBalancerClass", draft.loadBalancerClass, (loadBalancerClass) => ({
                      ...draft,
                      loadBalancerClass,
                    }))}
                  />
                ) : null}
              </div>
            ) : null}
            {shape.hosts ? (
              <HostsFields form={binding} suggestedHost={suggestedHost ?? undefined} />
            ) : shape.ingress ? (
              <>
                <div className="form-grid">
                  <Field
                    autoComplete="off"
                    autoCapitalize="none"
                    spellCheck={false}
                    placeholder="shop.example.com"
                    hint="Routes HTTP(S) for this host to the app through the cluster's Ingress controller. Empty: no Ingress."
                    {...bind("ingress.host", draft.ingressHost, (ingressHost) => ({ ...draft, ingressHost }))}
                  />
                  {draft.ingressHost.trim() === "" && suggestedHost != null ? (
                    <button
                      type="button"
                      className="button button-small button-secondary"
                      onClick={() => {
                        edit("ingress.host", { ...draft, ingressHost: suggestedHost });
                      }}
                    >
                      Use {suggestedHost}
                    </button>
                  ) : null}
                  {draft.ingressHost.trim() === "" ? null : (
                    <Field
                      autoComplete="off"
                      placeholder="/"
                      {...bind("ingress.path", draft.ingressPath, (ingressPath) => ({
                        ...draft,
                        ingressPath,
                      }))}
                    />
                  )}
                </div>
                {draft.ingressHost.trim() === "" ? null : (
                  <div className="form-grid">
                    <SelectField
                      label="TLS"
                      value={draft.tls}
                      error={errorAt("ingress.tls")}
                      options={[
                        { value: "none", label: "None (plain HTTP)" },
                        { value: "issuer", label: "Certificate from a cert-manager ClusterIssuer" },
                        { value: "secret", label: "An existing TLS Secret" },
                      ]}
                      onChange={(event) => {
                        edit("ingress.tls", { ...draft, tls: event.target.value as AppDraft["tls"] });
                      }}
                    />
                    {draft.tls === "issuer" ? (
                      <Field
                        autoComplete="off"
                        placeholder="letsencrypt"
                        {...bind("ingress.tls.clusterIssuer", draft.tlsClusterIssuer, (tlsClusterIssuer) => ({
                          ...draft,
                          tlsClusterIssuer,
                        }))}
                      />
                    ) : draft.tls === "secret" ? (
                      <Field
                        autoComplete="off"
                        placeholder="shop-tls"
                        {...bind("ingress.tls.secretName", draft.tlsSecretName, (tlsSecretName) => ({
                          ...draft,
                          tlsSecretName,
                        }))}
                      />
                    ) : null}
                  </div>
                )}
              </>
            ) : null}
          </Section>
        ) : null}

        <div className="form-actions deploy-actions">
          <PendingButton pending={deploy.isPending} pendingLabel="Deploying…">
            {editing ? `Deploy revision ${base.revision + 1}` : "Deploy"}
          </PendingButton>
          <Link
            to={editing ? appPath(app.name) : `/projects/${encodeURIComponent(project)}`}
            className="button button-quiet"
          >
            Cancel
          </Link>
          {form.dirty ? <span className="muted">Unsaved changes, kept as a draft</span> : null}
        </div>
      </form>
      {/* The aside holds the preview and whatever else helps decide (one element more fits under it). */}
      <aside className="deploy-aside">
        <ManifestPreview preview={preview} against={editing ? base.revision : undefined} />
        <QuotaBudget
          project={project}
          manifests={preview.query.data?.manifests}
          currentManifests={editing ? preview.query.data?.currentManifests : undefined}
        />
      </aside>
    </div>
  );
}
