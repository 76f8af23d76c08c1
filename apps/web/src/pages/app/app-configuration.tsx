// How the app is configured, as its current revision's manifests say (whatever the pack): image, replicas or the
// autoscaling range, resources, probes, ports, hosts, and the address other apps of the cluster reach it at; and,
// from its spec (default@2.1), its command, volumes, config files and secret variables.
import { CopyButton } from "../../components/copy-button.js";
import { secretRowsOf, specExtrasOf } from "../../lib/app-draft.js";
import type { AppDetails } from "../../lib/app-state.js";

const PROBE_LABELS = { startup: "Startup", liveness: "Liveness", readiness: "Readiness" } as const;

export function AppConfiguration({ app }: { app: AppDetails }) {
  const { configuration } = app;
  const { requests, limits } = configuration.resources;
  const resourceNames = [...new Set([...Object.keys(requests), ...Object.keys(limits)])].sort();
  const extras = specExtrasOf(app.spec);
  const secrets = secretRowsOf(app.spec);
  return (
    <section aria-labelledby="configuration-title" className="overview-section">
      <div className="section-header">
        <h2 id="configuration-title">Configuration</h2>
        <span className="muted">Revision {app.revision}</span>
      </div>
      <dl className="configuration-list">
        <dt>Image</dt>
        <dd>{configuration.image === null ? "—" : <code>{configuration.image}</code>}</dd>

        <dt>{configuration.autoscaling === null ? "Replicas" : "Autoscaling"}</dt>
        <dd>
          {configuration.autoscaling === null
            ? (configuration.replicas ?? "—")
            : `${configuration.autoscaling.min} to ${configuration.autoscaling.max} replicas${
                configuration.autoscaling.cpuUtilization === null
                  ? ""
                  : `, aiming at ${configuration.autoscaling.cpuUtilization} % of the CPU request`
              }`}
        </dd>

        {extras.command.length === 0 && extras.args.length === 0 ? null : (
          <>
            <dt>Command</dt>
            <dd>
              <code>{[...extras.command, ...extras.args].join(" ")}</code>
              {extras.command.length === 0 ? (
                <span className="muted"> (arguments to the image's entrypoint)</span>
              ) : null}
            </dd>
          </>
        )}

        <dt>Resources</dt>
        <dd>
          {resourceNames.length === 0
            ? "No requests or limits: the pods get what is left on their node."
            : resourceNames
                .map(
                  (name) =>
                    `${name === "cpu" ? "CPU" : name}: requests ${requests[name] ?? "—"}, limit ${limits[name] ?? "none"}`,
                )
                .join(" · ")}
        </dd>

        <dt>Health checks</dt>
        <dd>
          {configuration.probes.length === 0 ? (
            "None: a pod counts as ready as soon as its container runs."
          ) : (
            <ul className="plain-list">
              {configuration.probes.map((probe) => (
                <li key={probe.kind}>
                  {PROBE_LABELS[probe.kind]}: {probe.check}
                </li>
              ))}
            </ul>
          )}
        </dd>

        <dt>Ports</dt>
        <dd>
          {configuration.ports.length === 0
            ? "None"
            : configuration.ports
                .map(
                  (port) =>
                    `${port.containerPort}/${port.protocol}${port.name === null ? "" : ` (${port.name})`}${
                      port.servicePort === null ? "" : ` ← Service port ${port.servicePort}`
                    }`,
                )
                .join(" · ")}
        </dd>

        <dt>Hosts</dt>
        <dd>
          {configuration.hosts.length === 0
            ? "None: no Ingress."
            : configuration.hosts.map((host, index) => (
                <span key={host}>
                  {index === 0 ? "" : " · "}
                  <code>{host}</code>
                </span>
              ))}
        </dd>

        {extras.volumes.length === 0 ? null : (
          <>
            <dt>Volumes</dt>
            <dd>
              <ul className="plain-list">
                {extras.volumes.map((volume) => (
                  <li key={volume.name}>
                    <code>{volume.name}</code> at <code>{volume.mountPath}</code>: {volume.description}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}

        {extras.files.length === 0 ? null : (
          <>
            <dt>Config files</dt>
            <dd>
              {extras.files.map((path, index) => (
                <span key={path}>
                  {index === 0 ? "" : " · "}
                  <code>{path}</code>
                </span>
              ))}
            </dd>
          </>
        )}

        {secrets.length === 0 ? null : (
          <>
            <dt>Secrets</dt>
            <dd>
              {secrets.map((secret, index) => (
                <span key={secret.name}>
                  {index === 0 ? "" : " · "}
                  <code>{secret.name}</code>
                  {secret.reference === undefined ? null : (
                    <span className="muted"> (from Secret {secret.reference.secret})</span>
                  )}
                </span>
              ))}
            </dd>
          </>
        )}

        <dt>In the cluster</dt>
        <dd>
          {configuration.internalAddress === null ? (
            "No Service: other apps cannot reach it by name."
          ) : (
            <span className="internal-address">
              <code>{configuration.internalAddress}</code>{" "}
              <CopyButton text={configuration.internalAddress} label="Copy address" />
              <span className="muted">
                {" "}
                Other apps of the cluster reach it here ({configuration.serviceType} Service).
              </span>
            </span>
          )}
        </dd>
      </dl>
    </section>
  );
}
