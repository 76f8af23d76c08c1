import { useId, useState, type ClipboardEvent } from "react";
import type { SecretInfo } from "../lib/app-state.js";
import {
  ENV_NAME_PATTERN,
  markSecrets,
  mergeEnv,
  overwrittenNames,
  parseEnvBlock,
  type EnvProblem,
  type EnvVar,
} from "../lib/env-file.js";
import { formatDateTime, plural } from "../lib/format.js";
import { withLabel } from "../lib/project-name.js";

interface EnvEditorProps {
  value: readonly EnvVar[];
  onChange: (next: EnvVar[]) => void;
  /** The message for an input, by its path (`env[0].name`), when it has one to show. */
  errorAt?: (path: string) => string | undefined;
  onFieldBlur?: (path: string) => void;
  disabled?: boolean;
  namePattern?: RegExp;
  /** Whether variables may be secrets (the pack has `secrets`): each row gets a Secret switch. */
  secrets?: boolean;
  /** What the server says of the app's saved secrets (who set each, when, its fingerprint), by name. */
  secretInfo?: ReadonlyMap<string, SecretInfo>;
}

interface PasteReport {
  added: number;
  problems: EnvProblem[];
  /** Names the paste made secrets. */
  secrets: string[];
}

/** A paste that would replace existing values, waiting for the person to say so. */
interface PendingPaste {
  vars: EnvVar[];
  problems: EnvProblem[];
  overwrites: string[];
  /** Whether the paste box's text goes once applied (pasted straight into a name, there is none). */
  fromBox: boolean;
}

/** Looks like more than one variable, or a `KEY=value` line: read it as a `.env` block rather than a name. */
function looksLikeEnvBlock(text: string): boolean {
  return /\n/.test(text.trim()) || /^\s*(export\s+)?[^=\s]+=/.test(text);
}

/**
 * Environment variables as rows of name and value, added and removed one by one, or many at once by pasting a
 * `.env` block (into the paste box, or straight into a name).
 */
export function EnvEditor({
  value,
  onChange,
  errorAt = () => undefined,
  onFieldBlur = () => undefined,
  disabled = false,
  namePattern = ENV_NAME_PATTERN,
  secrets = false,
  secretInfo = new Map(),
}: EnvEditorProps) {
  const id = useId();
  const [pasting, setPasting] = useState(false);
  const [pasteAsSecrets, setPasteAsSecrets] = useState(false);
  const [pasted, setPasted] = useState("");
  const [report, setReport] = useState<PasteReport | undefined>();
  const [pending, setPending] = useState<PendingPaste | undefined>();

  function update(index: number, change: Partial<EnvVar>) {
    onChange(value.map((variable, at) => (at === index ? { ...variable, ...change } : variable)));
  }

  function apply({ vars, problems, fromBox }: Omit<PendingPaste, "overwrites">) {
    onChange(mergeEnv(value, vars));
    setReport({
      added: vars.length,
      problems,
      secrets: vars.filter((variable) => variable.secret === true).map((variable) => variable.name),
    });
    setPending(undefined);
    // Done unless some lines need fixing: those stay in the box for the person to correct.
    if (fromBox && problems.length === 0) {
      setPasted("");
      setPasting(false);
    }
  }

  /** Applies a pasted block at once, unless it replaces values: then it says which, and waits. */
  function addBlock(text: string, fromBox: boolean) {
    const parsed = parseEnvBlock(text, namePattern);
    const problems = parsed.problems;
    const vars = secrets ? markSecrets(parsed.vars, pasteAsSecrets) : parsed.vars;
    const overwrites = overwrittenNames(value, vars);
    if (overwrites.length === 0) apply({ vars, problems, fromBox });
    else {
      setReport(undefined);
      setPending({ vars, problems, overwrites, fromBox });
    }
  }

  function pasteIntoName(event: ClipboardEvent<HTMLInputElement>) {
    const text = event.clipboardData.getData("text");
    if (!looksLikeEnvBlock(text)) return;
    event.preventDefault();
    addBlock(text, false);
  }

  return (
    <div className="env-editor">
      {value.length === 0 ? (
        <p className="muted env-empty">No variables yet.</p>
      ) : (
        <>
          <div className="env-columns" aria-hidden="true">
            <span>Name</span>
            <span>Value</span>
          </div>
          <ol className="env-rows">
            {value.map((variable, index) => {
              const number = index + 1;
              const nameError = errorAt(`env[${index}].name`);
              const valueError = errorAt(`env[${index}].value`);
              const nameId = `${id}-${index}-name`;
              const valueId = `${id}-${index}-value`;
              const secret = variable.secret === true;
              const info = secret ? secretInfo.get(variable.name.trim()) : undefined;
              const saved = info?.source === "stored" && info.fingerprint !== null;
              const multiline = !secret && variable.value.includes("\n");
              const valueProps = {
                id: valueId,
                value: variable.value,
                disabled,
                spellCheck: false,
                autoComplete: "off",
                "aria-invalid": valueError === undefined ? undefined : true,
                "aria-describedby":
                  [valueError === undefined ? "" : `${valueId}-error`, saved ? `${valueId}-saved` : ""]
                    .filter((part) => part !== "")
                    .join(" ") || undefined,
                onBlur: () => {
                  onFieldBlur(`env[${index}].value`);
                },
              } as const;
              return (
                <li key={index} className="env-row">
                  <div className={`env-cell${nameError === undefined ? "" : " field-invalid"}`}>
                    <label htmlFor={nameId} className="visually-hidden">
                      Variable {number} name
                    </label>
                    <input
                      id={nameId}
                      className="env-name"
                      value={variable.name}
                      placeholder="NAME"
                      disabled={disabled}
                      spellCheck={false}
                      autoComplete="off"
                      autoCapitalize="none"
                      aria-invalid={nameError === undefined ? undefined : true}
                      aria-describedby={nameError === undefined ? undefined : `${nameId}-error`}
                      onChange={(event) => {
                        update(index, { name: event.target.value });
                      }}
                      onBlur={() => {
                        onFieldBlur(`env[${index}].name`);
                      }}
                      onPaste={pasteIntoName}
                    />
                    {nameError === undefined ? null : (
                      <p id={`${nameId}-error`} className="field-error">
                        {withLabel(`Variable ${number} name`, nameError)}
                      </p>
                    )}
                  </div>
                  <div className={`env-cell${valueError === undefined ? "" : " field-invalid"}`}>
                    <label htmlFor={valueId} className="visually-hidden">
                      Variable {number} value
                    </label>
                    {variable.reference !== undefined ? (
                      <SecretReference
                        id={valueId}
                        number={number}
                        reference={variable.reference}
                        disabled={disabled}
                        errorAt={(field) => errorAt(`env[${index}].reference.${field}`)}
                        onBlur={(field) => {
                          onFieldBlur(`env[${index}].reference.${field}`);
                        }}
                        onChange={(reference) => {
                          update(index, { reference });
                        }}
                      />
                    ) : secret ? (
                      <input
                        {...valueProps}
                        type="password"
                        autoComplete="new-password"
                        placeholder={saved ? "unchanged" : "value"}
                        onChange={(event) => {
                          update(index, { value: event.target.value });
                        }}
                      />
                    ) : multiline ? (
                      <textarea
                        {...valueProps}
                        rows={Math.min(variable.value.split("\n").length, 6)}
                        onChange={(event) => {
                          update(index, { value: event.target.value });
                        }}
                      />
                    ) : (
                      <input
                        {...valueProps}
                        placeholder="value"
                        onChange={(event) => {
                          update(index, { value: event.target.value });
                        }}
                      />
                    )}
                    {valueError === undefined ? null : (
                      <p id={`${valueId}-error`} className="field-error">
                        {withLabel(`Variable ${number} value`, valueError)}
                      </p>
                    )}
                    {saved && variable.reference === undefined ? (
                      <p id={`${valueId}-saved`} className="hint env-secret-saved">
                        {describeSaved(info)}
                        {variable.value === "" ? "" : " · replaced on save"}
                      </p>
                    ) : null}
                    {secrets ? (
                      <div className="env-secret-switches">
                        <label className="choice">
                          <input
                            type="checkbox"
                            checked={secret}
                            disabled={disabled}
                            onChange={(event) => {
                              update(
                                index,
                                event.target.checked
                                  ? { secret: true }
                                  : { secret: undefined, reference: undefined },
                              );
                            }}
                          />
                          Secret<span className="visually-hidden"> (variable {number})</span>
                        </label>
                        {secret ? (
                          <label className="choice">
                            <input
                              type="checkbox"
                              checked={variable.reference !== undefined}
                              disabled={disabled}
                              onChange={(event) => {
                                update(index, {
                                  value: "",
                                  reference: event.target.checked ? { secret: "", key: "" } : undefined,
                                });
                              }}
                            />
                            from Kubernetes Secret
                            <span className="visually-hidden"> (variable {number})</span>
                          </label>
                        ) : null}
                      </div>
                    ) : null}
                  </div>
                  <button
                    type="button"
                    className="button button-small button-quiet-danger env-remove"
                    aria-label={`Remove variable ${number}${variable.name === "" ? "" : ` (${variable.name})`}`}
                    disabled={disabled}
                    onClick={() => {
                      onChange(value.filter((_variable, at) => at !== index));
                    }}
                  >
                    Remove
                  </button>
                </li>
              );
            })}
          </ol>
        </>
      )}
      <div className="form-actions env-actions">
        <button
          type="button"
          className="button button-small button-secondary"
          disabled={disabled}
          onClick={() => {
            onChange([...value, { name: "", value: "" }]);
            // The new row's name takes the focus, ready for typing (or pasting a whole .env block).
            requestAnimationFrame(() => {
              document.getElementById(`${id}-${value.length}-name`)?.focus();
            });
          }}
        >
          Add variable
        </button>
        <button
          type="button"
          className="button button-small button-quiet"
          aria-expanded={pasting}
          aria-controls={`${id}-paste`}
          disabled={disabled}
          onClick={() => {
            setPasting(!pasting);
          }}
        >
          Paste a .env block
        </button>
      </div>
      {pasting ? (
        <div className="env-paste" id={`${id}-paste`}>
          <label htmlFor={`${id}-paste-text`}>Paste .env lines</label>
          <p className="hint" id={`${id}-paste-hint`}>
            One <code>NAME=value</code> per line. Comments (<code>#</code>), blank lines and{" "}
            <code>export</code> are fine; quote values that hold spaces, <code>#</code> or line breaks.
          </p>
          {secrets ? (
            <label className="choice">
              <input
                type="checkbox"
                checked={pasteAsSecrets}
                onChange={(event) => {
                  setPasteAsSecrets(event.target.checked);
                }}
              />
              Paste as secrets (otherwise only names like <code>…_PASSWORD</code>, <code>…_TOKEN</code> or{" "}
              <code>…_API_KEY</code> become secrets)
            </label>
          ) : null}
          <textarea
            id={`${id}-paste-text`}
            rows={5}
            value={pasted}
            spellCheck={false}
            aria-describedby={`${id}-paste-hint`}
            placeholder={'DATABASE_URL="postgres://db/app?sslmode=require"\nLOG_LEVEL=info'}
            onChange={(event) => {
              setPasted(event.target.value);
            }}
          />
          <div className="form-actions">
            <button
              type="button"
              className="button button-small button-secondary"
              disabled={pasted.trim() === ""}
              onClick={() => {
                addBlock(pasted, true);
              }}
            >
              Add variables
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => {
                setPasting(false);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {pending === undefined ? null : (
        <div className="notice env-overwrite" role="alert">
          <p>
            This paste replaces the {pending.overwrites.length === 1 ? "value" : "values"} of{" "}
            {pending.overwrites.map((name, index) => (
              <span key={name}>
                {index === 0 ? "" : ", "}
                <code>{name}</code>
              </span>
            ))}
            .
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="button button-small button-secondary"
              onClick={() => {
                apply(pending);
              }}
            >
              Replace {plural(pending.overwrites.length, "value")}
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => {
                setPending(undefined);
              }}
            >
              Keep the current values
            </button>
          </div>
        </div>
      )}
      <PasteOutcome report={report} />
    </div>
  );
}

function PasteOutcome({ report }: { report: PasteReport | undefined }) {
  if (report === undefined) return null;
  return (
    <div className="env-report">
      <p role="status">
        {report.added === 0 ? "No variables were added." : `Added ${plural(report.added, "variable")}.`}
        {report.secrets.length === 0
          ? ""
          : ` Marked as ${report.secrets.length === 1 ? "a secret" : "secrets"}: ${report.secrets.join(", ")} (untick Secret to keep one plain).`}
      </p>
      {report.problems.length === 0 ? null : (
        <div className="form-error" role="alert">
          <p>
            {report.problems.length === 1 ? "One line was" : `${report.problems.length} lines were`} not
            added:
          </p>
          <ul className="env-problems">
            {report.problems.map((problem) => (
              <li key={problem.line}>
                Line {problem.line}: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** "set by ada@example.com at 4 Dec 2026, 23:01 · fingerprint 1f2e3d4c": what may be known of a secret's value. */
export function describeSaved(info: SecretInfo | undefined): string {
  if (info === undefined) return "";
  const by = info.setBy === null ? "" : ` by ${info.setBy.email}`;
  const at = info.setAt === null ? "" : ` at ${formatDateTime(info.setAt)}`;
  return `set${by}${at} · fingerprint ${info.fingerprint ?? "unknown"}`;
}

/** A secret taken from an existing Kubernetes Secret of the namespace: its name and key. */
function SecretReference({
  id,
  number,
  reference,
  disabled,
  errorAt,
  onBlur,
  onChange,
}: {
  id: string;
  number: number;
  reference: { secret: string; key: string };
  disabled: boolean;
  errorAt: (field: "secret" | "key") => string | undefined;
  onBlur: (field: "secret" | "key") => void;
  onChange: (reference: { secret: string; key: string }) => void;
}) {
  return (
    <div className="env-reference">
      {(
        [
          ["secret", "Kubernetes Secret", "existing-secret"],
          ["key", "key", "api-key"],
        ] as const
      ).map(([field, label, placeholder]) => {
        const error = errorAt(field);
        const inputId = `${id}-${field}`;
        return (
          <div key={field} className={error === undefined ? undefined : "field-invalid"}>
            <label htmlFor={inputId} className="visually-hidden">
              Variable {number} {label}
            </label>
            <input
              id={inputId}
              value={reference[field]}
              placeholder={placeholder}
              disabled={disabled}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="none"
              aria-invalid={error === undefined ? undefined : true}
              aria-describedby={error === undefined ? undefined : `${inputId}-error`}
              onChange={(event) => {
                onChange({ ...reference, [field]: event.target.value });
              }}
              onBlur={() => {
                onBlur(field);
              }}
            />
            {error === undefined ? null : (
              <p id={`${inputId}-error`} className="field-error">
                {withLabel(`Variable ${number} ${label}`, error)}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
