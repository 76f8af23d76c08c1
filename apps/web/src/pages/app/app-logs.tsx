// The app's logs as they come (apps.logs over server-sent events): the last lines of each pod, then new ones, from
// every pod or one, or those of each pod's previous container (after a crash). Pausing freezes the view (lines keep
// arriving and are counted); search filters what is shown; Download saves what is shown. New lines are announced to
// screen readers only when asked: a busy log read aloud drowns everything else.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { SelectField } from "../../components/select-field.js";
import type { AppContext } from "../../lib/app-state.js";
import { describeError } from "../../lib/errors.js";
import { plural } from "../../lib/format.js";
import { useTRPCClient } from "../../trpc.js";

/** Lines kept in the page: older ones make way (the cluster keeps more; `kubectl logs` reads them). */
export const LOG_LINES_KEPT = 2_000;
const TAIL_LINES = 200;

interface Line {
  id: number;
  pod: string;
  line: string;
  notice: boolean;
}

type StreamState =
  | { kind: "connecting" }
  | { kind: "open" }
  /** The stream broke (its server stopped); the link reconnects and the lines resume after the last one shown. */
  | { kind: "reconnecting" }
  | { kind: "ended" }
  | { kind: "failed"; message: string };

export default function AppLogs({ context }: { context: AppContext }) {
  const { app } = context;
  const client = useTRPCClient();
  const searchId = useId();
  const [pod, setPod] = useState("");
  const [query, setQuery] = useState("");
  const [following, setFollowing] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [announce, setAnnounce] = useState(false);
  const [lines, setLines] = useState<Line[]>([]);
  const [frozen, setFrozen] = useState<Line[] | undefined>();
  const [stream, setStream] = useState<StreamState>({ kind: "connecting" });
  const [attempt, setAttempt] = useState(0);
  const nextId = useRef(0);
  const viewRef = useRef<HTMLPreElement>(null);

  useEffect(() => {
    // Unsubscribing may still complete the stream: what follows belongs to the next one.
    let active = true;
    let buffer: Line[] = [];
    let scheduled: number | undefined;
    // Bursts (the first tail of every pod) arrive line by line: render them once per frame.
    const flush = () => {
      scheduled = undefined;
      const arrived = buffer;
      buffer = [];
      setLines((current) => [...current, ...arrived].slice(-LOG_LINES_KEPT));
    };
    const subscription = client.apps.logs.subscribe(
      {
        project: app.project,
        name: app.name,
        tail: TAIL_LINES,
        // The previous container has stopped: its log is read once.
        follow: !previous,
        previous,
        ...(pod === "" ? {} : { pod }),
      },
      {
        onStarted: () => {
          if (active) setStream({ kind: "open" });
        },
        onConnectionStateChange: (state) => {
          if (!active) return;
          if (state.state === "connecting" && state.error !== null) setStream({ kind: "reconnecting" });
          else if (state.state === "pending") setStream({ kind: "open" });
        },
        onData: ({ data }) => {
          if (!active) return;
          buffer.push({ id: nextId.current++, pod: data.pod, line: data.line, notice: data.notice === true });
          scheduled ??= requestAnimationFrame(flush);
        },
        onError: (error) => {
          if (active) setStream({ kind: "failed", message: describeError(error) });
        },
        onComplete: () => {
          if (active) setStream((current) => (current.kind === "failed" ? current : { kind: "ended" }));
        },
      },
    );
    return () => {
      active = false;
      subscription.unsubscribe();
      if (scheduled !== undefined) cancelAnimationFrame(scheduled);
      setLines([]);
      setStream({ kind: "connecting" });
    };
  }, [client, app.project, app.name, pod, previous, attempt]);

  const shown = frozen ?? lines;
  const needle = query.trim().toLowerCase();
  const visible = useMemo(
    () => (needle === "" ? shown : shown.filter((line) => line.line.toLowerCase().includes(needle))),
    [shown, needle],
  );
  const waiting = frozen === undefined ? 0 : lines.length - frozen.length;

  // Following: the newest line stays in view.
  useEffect(() => {
    if (frozen !== undefined) return;
    const view = viewRef.current;
    if (view !== null) view.scrollTop = view.scrollHeight;
  }, [visible, frozen]);

  const pods = app.status.pods.map((candidate) => candidate.name);
  return (
    <section aria-labelledby="logs-title">
      <div className="section-header">
        <h2 id="logs-title">Logs</h2>
        <span className="muted" aria-live="polite">
          {stream.kind === "connecting"
            ? "Connecting…"
            : stream.kind === "reconnecting"
              ? "Reconnecting…"
              : previous
                ? "The previous container of each pod, before its last restart"
                : stream.kind === "open"
                  ? following
                    ? "Following new lines"
                    : "Paused"
                  : stream.kind === "ended"
                    ? "The stream ended"
                    : ""}
        </span>
      </div>
      <div className="log-controls">
        <SelectField
          label="Pod"
          value={pod}
          options={[{ value: "", label: "All pods" }, ...pods.map((name) => ({ value: name, label: name }))]}
          onChange={(event) => {
            setPod(event.target.value);
            setFrozen(undefined);
            setFollowing(true);
          }}
        />
        <div className="field log-search">
          <label htmlFor={searchId}>Search</label>
          <input
            id={searchId}
            type="search"
            value={query}
            placeholder="Text in the line"
            onChange={(event) => {
              setQuery(event.target.value);
            }}
          />
        </div>
        <div className="form-actions log-buttons">
          <button
            type="button"
            className="button button-secondary"
            aria-pressed={!following}
            onClick={() => {
              if (following) setFrozen(lines);
              else setFrozen(undefined);
              setFollowing(!following);
            }}
          >
            {following ? "Pause" : "Follow"}
          </button>
          <button
            type="button"
            className="button button-secondary"
            aria-pressed={previous}
            title="The logs of the container that ran before the last restart (after a crash)"
            onClick={() => {
              setPrevious(!previous);
              setFrozen(undefined);
              setFollowing(true);
            }}
          >
            Previous container
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={visible.length === 0}
            onClick={() => {
              downloadLines(logFileName(app.name, pod, previous), visible, pod === "");
            }}
          >
            Download
          </button>
          {stream.kind === "ended" || stream.kind === "failed" ? (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                setAttempt(attempt + 1);
              }}
            >
              Reconnect
            </button>
          ) : null}
        </div>
      </div>
      {stream.kind === "failed" ? (
        <div className="form-error" role="alert">
          Could not read the logs. {stream.message}
        </div>
      ) : null}
      <label className="checkbox-field log-announce">
        <input
          type="checkbox"
          checked={announce}
          onChange={(event) => {
            setAnnounce(event.target.checked);
          }}
        />{" "}
        Announce new lines (screen readers)
      </label>
      <p className="muted log-count">
        {needle === ""
          ? plural(shown.length, "line")
          : `${plural(visible.length, "line")} of ${shown.length} contain “${query.trim()}”`}
        {waiting > 0 ? ` · ${plural(waiting, "new line")} while paused` : ""}
      </p>
      <pre
        className="log-view"
        ref={viewRef}
        role="log"
        aria-live={announce ? "polite" : "off"}
        aria-label={`Logs of ${app.name}${previous ? " (previous container)" : ""}`}
        tabIndex={0}
      >
        {visible.length === 0 ? (
          <span className="muted">
            {stream.kind === "connecting" ? "Waiting for the first lines…" : "No lines to show."}
          </span>
        ) : (
          visible.map((line) => (
            <span key={line.id} className={`log-line${line.notice ? " log-notice" : ""}`}>
              {pod === "" ? <span className="log-pod">{shortPod(line.pod)} </span> : null}
              {line.line}
              {"\n"}
            </span>
          ))
        )}
      </pre>
    </section>
  );
}

/** `web-web-7d9c6b5f4-x2k8q-2026-01-02.log`: the app, the pod (or all pods), the day. */
export function logFileName(app: string, pod: string, previous: boolean, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  return `${app}-${pod === "" ? "all-pods" : pod}${previous ? "-previous" : ""}-${day}.log`;
}

/** Saves the lines shown as a text file, each with its pod's name when several pods are shown. */
function downloadLines(fileName: string, lines: readonly Line[], withPod: boolean): void {
  const text = lines.map((line) => `${withPod ? `${line.pod} ` : ""}${line.line}\n`).join("");
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the file when the download starts; a minute later nothing needs the URL.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}

/** `web-7d9c6b5f4-x2k8q` → `x2k8q`: the part that tells pods of one app apart. */
function shortPod(pod: string): string {
  return pod.slice(pod.lastIndexOf("-") + 1);
}
