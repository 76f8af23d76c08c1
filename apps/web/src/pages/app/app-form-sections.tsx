// The app form's sections for what default@2.1 adds: command and arguments, volumes (persistent and scratch), config
// files and several hosts. Each edits one list of the draft through the form's own binding, so that its issues show
// beside its inputs like every other section's.
import type { ReactNode } from "react";
import { Field, FieldFrame } from "../../components/field.js";
import { SelectField } from "../../components/select-field.js";
import {
  emptyHost,
  emptyVolume,
  volumeWarning,
  type AppDraft,
  type FileDraft,
  type HostDraft,
  type VolumeDraft,
} from "../../lib/app-draft.js";

/** What a section needs of the form: the draft, where issues are, and how to change a value. */
export interface FormBinding {
  draft: AppDraft;
  errorAt: (path: string) => string | undefined;
  edit: (path: string, next: AppDraft) => void;
  touch: (path: string) => void;
  bind: (
    path: string,
    value: string,
    set: (value: string) => AppDraft,
  ) => {
    label: string;
    value: string;
    error: string | undefined;
    onChange: (event: { target: { value: string } }) => void;
    onBlur: () => void;
  };
}

export function Section({
  title,
  hint,
  error,
  children,
}: {
  title: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <fieldset className={`card form-section${error === undefined ? "" : " section-invalid"}`}>
      <legend>{title}</legend>
      {hint === undefined ? null : <p className="hint section-hint">{hint}</p>}
      {error === undefined ? null : (
        <p className="field-error section-error" role="alert">
          {error}
        </p>
      )}
      {children}
    </fieldset>
  );
}

/** A labelled multi-line text input bound like Field. */
function TextAreaField({
  label,
  hint,
  error,
  rows,
  ...area
}: ReturnType<FormBinding["bind"]> & { hint?: ReactNode; rows: number; placeholder?: string }) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {(control) => <textarea {...control} {...area} rows={rows} spellCheck={false} />}
    </FieldFrame>
  );
}

function RemoveButton({ what, onClick }: { what: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="button button-small button-quiet-danger row-remove"
      aria-label={`Remove ${what}`}
      onClick={onClick}
    >
      Remove
    </button>
  );
}

function AddButton({ children, onClick }: { children: ReactNode; onClick: () => void }) {
  return (
    <button type="button" className="button button-small button-secondary" onClick={onClick}>
      {children}
    </button>
  );
}

export function CommandSection({ form }: { form: FormBinding }) {
  const { draft, bind, errorAt } = form;
  return (
    <Section
      title="Command"
      hint="To run the image another way (a worker from the same image, say). One argument per line, no shell quoting: each line is passed as it is. Empty: the image's own entrypoint and command."
      error={errorAt("command") ?? errorAt("args")}
    >
      <div className="form-grid">
        <TextAreaField
          rows={2}
          placeholder="node"
          hint="Replaces the image's ENTRYPOINT."
          {...bind("command", draft.command, (command) => ({ ...draft, command }))}
        />
        <TextAreaField
          rows={2}
          placeholder={"worker.js\n--queue=mail"}
          hint="Replaces the image's CMD."
          {...bind("args", draft.args, (args) => ({ ...draft, args }))}
        />
      </div>
    </Section>
  );
}

const ACCESS_MODES: { value: VolumeDraft["accessMode"]; label: string }[] = [
  { value: "ReadWriteOnce", label: "ReadWriteOnce (one node)" },
  { value: "ReadWriteMany", label: "ReadWriteMany (many nodes)" },
  { value: "ReadOnlyMany", label: "ReadOnlyMany" },
  { value: "ReadWriteOncePod", label: "ReadWriteOncePod (one pod)" },
];

export function VolumesSection({ form }: { form: FormBinding }) {
  const { draft, bind, errorAt, edit } = form;
  const warning = volumeWarning(draft);
  const setVolume = (index: number, change: Partial<VolumeDraft>) => ({
    ...draft,
    volumes: draft.volumes.map((row, at) => (at === index ? { ...row, ...change } : row)),
  });
  return (
    <Section
      title="Volumes"
      hint="Persistent volumes keep their data across restarts and deploys (a PersistentVolumeClaim each); scratch volumes are empty at every start, for apps with a read-only root filesystem that need somewhere to write."
      error={errorAt("volumes")}
    >
      {warning === undefined ? null : (
        <p className="field-warning volume-warning" role="status">
          Warning: {warning}
        </p>
      )}
      {draft.volumes.map((volume, index) => {
        const at = `volumes[${index}]`;
        const number = index + 1;
        const kind = volume.kind === "persistent" ? "Persistent" : "Scratch";
        return (
          <div
            key={index}
            className="volume-row"
            role="group"
            aria-label={`Volume ${number} (${kind.toLowerCase()})`}
          >
            <p className="volume-kind">
              {kind} volume {number}
            </p>
            <div className="form-grid">
              <Field
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                placeholder={volume.kind === "persistent" ? "data" : "tmp"}
                {...bind(`${at}.name`, volume.name, (name) => setVolume(index, { name }))}
              />
              <Field
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                placeholder={volume.kind === "persistent" ? "/var/lib/data" : "/tmp"}
                {...bind(`${at}.mountPath`, volume.mountPath, (mountPath) => setVolume(index, { mountPath }))}
              />
            </div>
            {volume.kind === "persistent" ? (
              <div className="form-grid">
                <Field
                  autoComplete="off"
                  placeholder="1Gi"
                  {...bind(`${at}.persistent.size`, volume.size, (size) => setVolume(index, { size }))}
                />
                <SelectField
                  label="Access mode"
                  value={volume.accessMode}
                  error={errorAt(`${at}.persistent.accessMode`)}
                  options={ACCESS_MODES}
                  onChange={(event) => {
                    edit(
                      `${at}.persistent.accessMode`,
                      setVolume(index, { accessMode: event.target.value as VolumeDraft["accessMode"] }),
                    );
                  }}
                />
                <Field
                  autoComplete="off"
                  autoCapitalize="none"
                  placeholder="the cluster's default"
                  {...bind(`${at}.persistent.storageClass`, volume.storageClass, (storageClass) =>
                    setVolume(index, { storageClass }),
                  )}
                />
              </div>
            ) : (
              <div className="form-grid">
                <Field
                  autoComplete="off"
                  placeholder="no limit"
                  hint="Counted against the pod's memory when the node keeps it in memory."
                  {...bind(`${at}.scratch.sizeLimit`, volume.sizeLimit, (sizeLimit) =>
                    setVolume(index, { sizeLimit }),
                  )}
                />
              </div>
            )}
            <RemoveButton
              what={`volume ${number}${volume.name.trim() === "" ? "" : ` (${volume.name.trim()})`}`}
              onClick={() => {
                edit("volumes", { ...draft, volumes: draft.volumes.filter((_row, at) => at !== index) });
              }}
            />
          </div>
        );
      })}
      <div className="form-actions">
        <AddButton
          onClick={() => {
            edit("volumes", { ...draft, volumes: [...draft.volumes, emptyVolume("persistent")] });
          }}
        >
          Add persistent volume
        </AddButton>
        <AddButton
          onClick={() => {
            edit("volumes", { ...draft, volumes: [...draft.volumes, emptyVolume("scratch")] });
          }}
        >
          Add scratch volume
        </AddButton>
      </div>
    </Section>
  );
}

export function FilesSection({ form }: { form: FormBinding }) {
  const { draft, bind, errorAt, edit } = form;
  const setFile = (index: number, change: Partial<FileDraft>) => ({
    ...draft,
    files: draft.files.map((row, at) => (at === index ? { ...row, ...change } : row)),
  });
  return (
    <Section
      title="Config files"
      hint="Files mounted into the container from a ConfigMap the app owns. Their content is visible to everyone in the project: put passwords in secret variables. A change of content rolls the pods over."
      error={errorAt("files")}
    >
      {draft.files.map((file, index) => {
        const at = `files[${index}]`;
        const number = index + 1;
        return (
          <div key={index} className="file-row" role="group" aria-label={`Config file ${number}`}>
            <Field
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder="/etc/app/config.yaml"
              {...bind(`${at}.path`, file.path, (path) => setFile(index, { path }))}
            />
            <TextAreaField
              rows={Math.min(Math.max(file.content.split("\n").length, 3), 12)}
              placeholder={"key: value"}
              {...bind(`${at}.content`, file.content, (content) => setFile(index, { content }))}
            />
            <RemoveButton
              what={`config file ${number}${file.path.trim() === "" ? "" : ` (${file.path.trim()})`}`}
              onClick={() => {
                edit("files", { ...draft, files: draft.files.filter((_row, at) => at !== index) });
              }}
            />
          </div>
        );
      })}
      <div className="form-actions">
        <AddButton
          onClick={() => {
            edit("files", { ...draft, files: [...draft.files, { path: "", content: "" }] });
          }}
        >
          Add config file
        </AddButton>
      </div>
    </Section>
  );
}

/** default@2.1's hosts: each with its path and TLS; the ClusterIssuer is shared by the hosts that ask for one. */
export function HostsFields({
  form,
  suggestedHost,
}: {
  form: FormBinding;
  suggestedHost: string | undefined;
}) {
  const { draft, bind, errorAt, edit } = form;
  const setHost = (index: number, change: Partial<HostDraft>) => ({
    ...draft,
    hosts: draft.hosts.map((row, at) => (at === index ? { ...row, ...change } : row)),
  });
  const anyAuto = draft.hosts.some((host) => host.tls === "auto");
  return (
    <div className="hosts-fields">
      <p className="hint">
        Hosts route HTTP(S) to the app through the cluster's Ingress controller. None: no Ingress.
      </p>
      {draft.hosts.map((host, index) => {
        const at = `ingress.hosts[${index}]`;
        const number = index + 1;
        return (
          <div key={index} className="host-row" role="group" aria-label={`Host ${number}`}>
            <div className="form-grid form-grid-4">
              <Field
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                placeholder="shop.example.com"
                {...bind(`${at}.host`, host.host, (value) => setHost(index, { host: value }))}
              />
              <Field
                autoComplete="off"
                placeholder="/"
                {...bind(`${at}.path`, host.path, (path) => setHost(index, { path }))}
              />
              <SelectField
                label="Host TLS"
                value={host.tls}
                error={errorAt(`${at}.tls`)}
                options={[
                  { value: "none", label: "None (plain HTTP)" },
                  { value: "auto", label: "A certificate from cert-manager" },
                  { value: "secret", label: "An existing TLS Secret" },
                ]}
                onChange={(event) => {
                  edit(`${at}.tls`, setHost(index, { tls: event.target.value as HostDraft["tls"] }));
                }}
              />
              {host.tls === "secret" ? (
                <Field
                  autoComplete="off"
                  placeholder="shop-tls"
                  {...bind(`${at}.tls.secretName`, host.tlsSecretName, (tlsSecretName) =>
                    setHost(index, { tlsSecretName }),
                  )}
                />
              ) : null}
            </div>
            <RemoveButton
              what={`host ${number}${host.host.trim() === "" ? "" : ` (${host.host.trim()})`}`}
              onClick={() => {
                edit("ingress", { ...draft, hosts: draft.hosts.filter((_row, at) => at !== index) });
              }}
            />
          </div>
        );
      })}
      {anyAuto ? (
        <div className="form-grid">
          <Field
            autoComplete="off"
            placeholder="the server's default issuer"
            hint="The cert-manager ClusterIssuer that signs the certificates. Empty: the server's own (BABYHELM_CERT_ISSUER), when it has one."
            {...bind("ingress.clusterIssuer", draft.tlsClusterIssuer, (tlsClusterIssuer) => ({
              ...draft,
              tlsClusterIssuer,
            }))}
          />
        </div>
      ) : null}
      <div className="form-actions">
        <AddButton
          onClick={() => {
            edit("ingress", { ...draft, hosts: [...draft.hosts, emptyHost()] });
          }}
        >
          Add host
        </AddButton>
        {draft.hosts.length === 0 && suggestedHost !== undefined ? (
          <AddButton
            onClick={() => {
              edit("ingress", { ...draft, hosts: [{ ...emptyHost(), host: suggestedHost }] });
            }}
          >
            Use {suggestedHost}
          </AddButton>
        ) : null}
      </div>
    </div>
  );
}
