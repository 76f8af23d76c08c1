// The form of a pack the dedicated app form cannot write (an operator's pack: a worker with no ports, a CronJob with
// its schedule), made from the pack's JSON Schema with react-jsonschema-form (@rjsf/core v6, React 19). It is loaded
// lazily: rjsf and Ajv weigh more than the landing and sign-in pages may, and only this form needs them. Checks and
// messages are the dedicated form's own: the pack's schema as the person types (schema-check.ts), then the server's
// issues (from the preview and the deploy), each shown under the field it names. Around the fields it reuses the
// dedicated form's pieces: the manifest preview or diff, the quota budget, the leave guard and the kept drafts.
import Form from "@rjsf/core";
import {
  errorId,
  getDefaultFormState,
  type ErrorSchema,
  type FieldErrorProps,
  type IconButtonProps,
  type RJSFSchema,
} from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import { Ajv2020 } from "ajv/dist/2020.js";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { DraftNotice } from "../../components/draft-notice.js";
import { Field, FormError } from "../../components/field.js";
import { useLeaveGuard } from "../../components/leave-guard.js";
import { PendingButton } from "../../components/submit-button.js";
import type { AppDetails, Pack } from "../../lib/app-state.js";
import { useDraft } from "../../lib/drafts.js";
import { describeError, errorCode, fieldIssues, type FieldIssue } from "../../lib/errors.js";
import { afterOwnPath, describeIssue } from "../../lib/form-labels.js";
import { schemaIssues, type JsonSchema } from "../../lib/schema-check.js";
import { Section } from "./app-form-sections.js";
import { ManifestPreview, useManifestPreview } from "./manifest-preview.js";
import { PackPicker } from "./pack-picker.js";
import { QuotaBudget } from "./quota-budget.js";
import { useDeployApp } from "./use-deploy-app.js";

// The packs' schemas are draft 2020-12 (zod's JSON Schema output); rjsf uses Ajv only to pick anyOf/oneOf branches
// and fill defaults: the checks shown are schema-check.ts's and the server's.
const validator = customizeValidator({ AjvClass: Ajv2020 as never });

type Spec = Record<string, unknown>;

interface GenericState {
  name: string;
  spec: Spec;
}

/** The pack's application schema without `name`, which the form asks for apart (and an edit cannot change). */
function fieldsSchema(schema: JsonSchema): RJSFSchema {
  const { name: _name, ...properties } = schema.properties ?? {};
  return {
    ...(schema as RJSFSchema),
    properties: properties as RJSFSchema["properties"],
    required: (schema.required ?? []).filter((key) => key !== "name"),
  };
}

/** `spec.env[1].name` → ["env", "1", "name"]; a server path or a schema-check path. */
function pathKeys(path: string): string[] {
  return path
    .replace(/^spec(\.|$)/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((key) => key !== undefined && key !== "");
}

/** rjsf's id of the field at a path (its `idPrefix` "root", joined by "_"). */
function fieldId(keys: readonly string[]): string {
  return ["root", ...keys].join("_");
}

/** The issues as rjsf's error tree; issues about no field of the form (or about `name`) are returned apart. */
function errorTree(
  issues: readonly FieldIssue[],
  schema: RJSFSchema,
): { tree: ErrorSchema; unplaced: FieldIssue[] } {
  const tree: Record<string, unknown> = {};
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    const keys = pathKeys(issue.path);
    if (keys.length === 0 || keys[0] === "name" || schema.properties?.[keys[0]!] === undefined) {
      unplaced.push(issue);
      continue;
    }
    let node = tree;
    for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
    const errors = (node.__errors ??= []) as string[];
    const message = describeIssue(issue);
    if (!errors.includes(message)) errors.push(message);
  }
  return { tree: tree as ErrorSchema, unplaced };
}

/** A field's errors in the dashboard's own style, under the id rjsf ties the input to (aria-describedby). */
function FieldErrors({ errors = [], fieldPathId }: FieldErrorProps) {
  const shown = errors.filter((error): error is string => typeof error === "string" && error !== "");
  if (shown.length === 0) return null;
  return (
    <p id={errorId(fieldPathId)} className="field-error">
      {shown.join("; ")}
    </p>
  );
}

/** rjsf's icon buttons draw Bootstrap glyphs this dashboard has not: words instead. */
function textButton(label: string, variant: string) {
  return function TextButton({
    iconType: _iconType,
    icon: _icon,
    uiSchema: _uiSchema,
    registry: _registry,
    className: _className,
    ...button
  }: IconButtonProps) {
    return (
      <button type="button" {...button} className={`button button-small ${variant}`}>
        {label}
      </button>
    );
  };
}

const TEMPLATES = {
  FieldErrorTemplate: FieldErrors,
  ButtonTemplates: {
    AddButton: textButton("Add", "button-secondary"),
    RemoveButton: textButton("Remove", "button-quiet-danger"),
    MoveUpButton: textButton("Move up", "button-quiet"),
    MoveDownButton: textButton("Move down", "button-quiet"),
    CopyButton: textButton("Copy", "button-quiet"),
  },
};

export default function GenericAppForm({
  project,
  packs,
  packRef,
  onPackChange,
  app,
}: {
  project: string;
  packs: readonly Pack[];
  /** The pack of a new app (an edit keeps the app's). */
  packRef: string;
  /** A new app: another pack chosen (the page decides which form it gets). */
  onPackChange?: (ref: string) => void;
  app?: AppDetails | undefined;
}) {
  const editing = app !== undefined;
  const pack = packs.find((candidate) => candidate.ref === (app?.pack ?? packRef)) ?? packs[0]!;
  const schema = pack.specSchema as JsonSchema;
  const formSchema = useMemo(() => fieldsSchema(schema), [schema]);
  // A new app starts from the pack's defaults, as the form fills them in: they are not the person's changes.
  const defaults = useMemo(
    () => (getDefaultFormState(validator, formSchema, {}) ?? {}) as Spec,
    [formSchema],
  );
  const start: GenericState =
    app === undefined ? { name: "", spec: defaults } : { name: app.name, spec: fieldsOf(app.spec) };
  const form = useDraft<GenericState>(
    app === undefined ? [project, "new", `deploy-${pack.ref}`] : [project, app.name, "edit-generic"],
    start,
    (state) => JSON.stringify(state) !== JSON.stringify(start),
  );
  const { name, spec } = form.value;
  const [blurred, setBlurred] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [deployIssues, setDeployIssues] = useState<FieldIssue[]>([]);
  const formRef = useRef<HTMLDivElement>(null);
  const leave = useLeaveGuard(form.dirty, editing ? `changes to ${app.name}` : "changes to this new app");
  // Untouched, an edit follows the app (someone else's deploy, a roll back).
  const [baseRevision, setBaseRevision] = useState(app?.revision);
  if (app !== undefined && !form.dirty && baseRevision !== app.revision) {
    setBaseRevision(app.revision);
    form.discard(start);
  }

  const preview = useManifestPreview({
    project,
    name,
    pack: pack.ref,
    spec,
    intent: editing ? "update" : "create",
  });
  const previewError = preview.settled.name === name.trim() ? preview.query.error : null;
  const local = schemaIssues(schema, { ...spec, name: name.trim() === "" ? undefined : name.trim() });
  const visible = (issue: FieldIssue) => submitted || blurred.has(fieldId(pathKeys(issue.path)));
  // The server's words where it has any for a field (a pattern alone explains nothing), then the schema's.
  const serverIssues = [...deployIssues, ...fieldIssues(previewError).filter(visible)];
  const serverPaths = new Set(serverIssues.map((issue) => pathKeys(issue.path).join(".")));
  const shown = [
    ...serverIssues,
    ...local.filter((issue) => visible(issue) && !serverPaths.has(pathKeys(issue.path).join("."))),
  ];
  const { tree, unplaced } = errorTree(shown, formSchema);
  const nameIssue = unplaced.find((issue) => pathKeys(issue.path)[0] === "name");
  // A taken name is said as soon as the preview knows it, not only once the field is left.
  const takenName =
    !editing && errorCode(previewError) === "BAD_REQUEST"
      ? fieldIssues(previewError).find((issue) => issue.path === "name")
      : undefined;
  const nameError = nameIssue ?? takenName;
  const others = unplaced.filter((issue) => pathKeys(issue.path)[0] !== "name");

  // After a refusal renders its errors, the focus goes to the first field with one (rjsf's inputs are described by
  // their errors' ids rather than marked aria-invalid).
  const [refusals, setRefusals] = useState(0);
  useEffect(() => {
    if (refusals === 0) return;
    // The first in the page's order: an input marked invalid (the name), or an rjsf field's error.
    const first = formRef.current?.querySelector<HTMLElement>(
      "[aria-invalid='true'], .field-error[id$='__error']",
    );
    const input = first?.id.endsWith("__error")
      ? formRef.current?.querySelector<HTMLElement>(`[id="${first.id.replace(/__error$/, "")}"]`)
      : first;
    input?.focus();
  }, [refusals]);
  const focusFirstError = () => {
    setRefusals((count) => count + 1);
  };
  function onRefused(error: unknown) {
    setDeployIssues(fieldIssues(error));
    focusFirstError();
  }
  const { create, update, appPath } = useDeployApp(project, {
    onDeployed: () => {
      form.saved(start);
      leave.allowLeaving();
    },
    onRefused,
  });
  const deploy = editing ? update : create;
  const general =
    deploy.error !== null && fieldIssues(deploy.error).length === 0
      ? describeError(deploy.error)
      : others.length > 0 && (submitted || deployIssues.length > 0)
        ? `Please correct: ${others.map(describeIssue).join("; ")}.`
        : undefined;

  function submit() {
    setSubmitted(true);
    setDeployIssues([]);
    deploy.reset();
    if (local.length > 0) {
      focusFirstError();
      return;
    }
    if (app === undefined) create.mutate({ project, name: name.trim(), pack: pack.ref, spec });
    else update.mutate({ project, name: app.name, spec, expectedRevision: app.revision });
  }

  return (
    <div className="deploy-layout">
      <div ref={formRef} className="deploy-form generic-form">
        {leave.question}
        {form.restored ? (
          <DraftNotice
            what={editing ? `changes to ${app.name}` : "new app"}
            onDiscard={() => {
              form.discard(start);
              setSubmitted(false);
              setDeployIssues([]);
              deploy.reset();
            }}
          />
        ) : null}
        <FormError message={general} />
        <Section title="App">
          <div className="form-grid">
            <Field
              label="App name"
              name="name"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder="worker"
              readOnly={editing}
              hint={
                editing
                  ? "An app keeps its name: every object is named after it."
                  : "Lowercase letters, digits and '-', starting with a letter. Every object is named after it."
              }
              value={name}
              error={nameError === undefined ? undefined : afterOwnPath(nameError)}
              onChange={(event) => {
                form.set({ name: event.target.value, spec });
                setDeployIssues(deployIssues.filter((issue) => pathKeys(issue.path)[0] !== "name"));
              }}
              onBlur={() => {
                setBlurred(new Set([...blurred, "root_name"]));
              }}
            />
          </div>
          <PackPicker
            editing={app?.pack}
            packs={packs}
            pack={pack}
            onChange={(ref) => {
              onPackChange?.(ref);
            }}
          />
        </Section>
        <Section
          title={`Settings of ${pack.ref}`}
          hint={`${pack.ref} has no form of its own: its fields come from the pack's JSON Schema.`}
        >
          <Form
            schema={formSchema}
            validator={validator}
            templates={TEMPLATES}
            formData={spec}
            extraErrors={tree}
            noHtml5Validate
            // The checks shown are schema-check.ts's and the server's (above); Ajv's own wording is not.
            transformErrors={() => []}
            showErrorList={false}
            onChange={(event) => {
              const next = (event.formData ?? {}) as Spec;
              if (JSON.stringify(next) !== JSON.stringify(spec)) form.set({ name, spec: next });
            }}
            onBlur={(id) => {
              if (!blurred.has(id)) setBlurred(new Set([...blurred, id]));
            }}
            onSubmit={() => {
              submit();
            }}
          >
            {/* In place of rjsf's own submit button. */}
            <div className="form-actions deploy-actions">
              <PendingButton pending={deploy.isPending} pendingLabel="Deploying…">
                {editing ? `Deploy revision ${app.revision + 1}` : "Deploy"}
              </PendingButton>
              <Link
                to={editing ? appPath(app.name) : `/projects/${encodeURIComponent(project)}`}
                className="button button-quiet"
              >
                Cancel
              </Link>
              {form.dirty ? <span className="muted">Unsaved changes, kept as a draft</span> : null}
            </div>
          </Form>
        </Section>
      </div>
      <aside className="deploy-aside">
        <ManifestPreview preview={preview} against={editing ? app.revision : undefined} />
        <QuotaBudget
          project={project}
          manifests={preview.query.data?.manifests}
          currentManifests={editing ? preview.query.data?.currentManifests : undefined}
        />
      </aside>
    </div>
  );
}

/** A stored spec's fields, without `name` (the form asks for it apart). */
function fieldsOf(spec: unknown): Spec {
  const { name: _name, ...fields } = (spec ?? {}) as Spec;
  return fields;
}
