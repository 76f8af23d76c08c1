// The project's share of the cluster: its namespace's quota (used against hard) and what each app uses now.
import { useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@babyhelm/api";
import { Loading, QueryError } from "../../components/query-state.js";
import { useTRPC } from "../../trpc.js";

/** Usage moves slowly; reading it twice a minute keeps the bars honest without loading the server. */
export const USAGE_REFRESH_MS = 30_000;

interface Quantity {
  quantity: string;
  value: number | null;
}

const RESOURCES = [
  { keys: ["requests.cpu", "cpu"], label: "CPU requests", kind: "cpu" },
  { keys: ["requests.memory", "memory"], label: "Memory requests", kind: "memory" },
  { keys: ["limits.memory"], label: "Memory limits", kind: "memory" },
  { keys: ["pods"], label: "Pods", kind: "count" },
] as const;
type Storage = RouterOutputs["projects"]["usage"]["storage"];
type Kind = (typeof RESOURCES)[number]["kind"] | "storage";

const MIB = 1024 ** 2;

export function formatCores(cores: number): string {
  return `${Number(cores.toFixed(cores < 1 ? 3 : 2))}`;
}

export function formatBytes(bytes: number): string {
  const mib = bytes / MIB;
  if (mib >= 1024) return `${Number((mib / 1024).toFixed(2))} GiB`;
  return `${Number(mib.toFixed(mib < 10 ? 1 : 0))} MiB`;
}

function amount(value: number, kind: Kind): string {
  if (kind === "cpu") return formatCores(value);
  if (kind === "memory" || kind === "storage") return formatBytes(value);
  return String(value);
}

/** "CPU requests: 0.3 of 4 cores", "Memory limits: 512 MiB of 8 GiB", "Pods: 3 of 10". */
export function meterText(label: string, used: number, hard: number, kind: Kind): string {
  const unit = kind === "cpu" ? (hard === 1 ? " core" : " cores") : "";
  return `${label}: ${amount(used, kind)} of ${amount(hard, kind)}${unit}`;
}

function pick(record: Record<string, Quantity>, keys: readonly string[]): Quantity | undefined {
  for (const key of keys) if (record[key] !== undefined) return record[key];
  return undefined;
}

export function QuotaUsage({ project }: { project: string }) {
  const trpc = useTRPC();
  const usage = useQuery({
    ...trpc.projects.usage.queryOptions({ name: project }),
    refetchInterval: USAGE_REFRESH_MS,
  });

  return (
    <section className="card quota-usage" aria-labelledby="usage-title">
      <h2 id="usage-title">Resource usage</h2>
      {usage.isPending ? (
        <Loading what="the project's usage" />
      ) : usage.isError ? (
        <QueryError error={usage.error} retry={usage.refetch} what="the project's usage" />
      ) : (
        <>
          {usage.data.quotas.length === 0 ? (
            <p className="muted">This project's namespace has no resource quota.</p>
          ) : (
            usage.data.quotas.map((quota) => {
              const meters = RESOURCES.flatMap((resource) => {
                const hard = pick(quota.hard, resource.keys)?.value;
                if (hard === null || hard === undefined || hard <= 0) return [];
                const used = pick(quota.used, resource.keys)?.value ?? 0;
                return [{ ...resource, hard, used }];
              });
              return (
                <ul key={quota.name} className="quota-meters" aria-label={`Quota ${quota.name}`}>
                  {meters.map((meter) => (
                    <Meter key={meter.label} {...meter} />
                  ))}
                </ul>
              );
            })
          )}
          <StorageUsage storage={usage.data.storage} />
          {usage.data.available ? null : (
            <p className="notice">Current CPU and memory are not available: {usage.data.reason}</p>
          )}
          {usage.data.apps.length === 0 ? null : (
            <div className="table-wrap">
              <table className="stack-on-phone">
                <caption>What each app uses now</caption>
                <thead>
                  <tr>
                    <th scope="col">App</th>
                    <th scope="col">Pods</th>
                    <th scope="col">CPU</th>
                    <th scope="col">Memory</th>
                  </tr>
                </thead>
                <tbody>
                  {usage.data.apps.map((app) => (
                    <tr key={app.name}>
                      <th scope="row" data-label="App">
                        {app.name}
                      </th>
                      <td data-label="Pods">{app.pods}</td>
                      <td data-label="CPU">
                        {app.cpu === null ? (
                          <span className="muted">no data yet</span>
                        ) : (
                          `${formatCores(app.cpu)} ${app.cpu === 1 ? "core" : "cores"}`
                        )}
                      </td>
                      <td data-label="Memory">
                        {app.memory === null ? (
                          <span className="muted">no data yet</span>
                        ) : (
                          formatBytes(app.memory)
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Meter({ label, used, hard, kind }: { label: string; used: number; hard: number; kind: Kind }) {
  const text = meterText(label, used, hard, kind);
  const share = Math.min(used / hard, 1);
  return (
    <li className="quota-meter">
      <span className="quota-meter-label">{text}</span>
      <div
        className={`quota-bar${share >= 0.9 ? " quota-bar-full" : ""}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={hard}
        aria-valuenow={Math.min(used, hard)}
        aria-valuetext={text}
      >
        <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
    </li>
  );
}

/** The volumes' storage (apps' and kept ones) against the quota, or what they take where no quota limits it. */
function StorageUsage({ storage }: { storage: Storage }) {
  const used = storage.used.value ?? 0;
  const hard = storage.hard?.value ?? null;
  if (hard === null && storage.claimsHard === null) {
    if (storage.claims === 0) return null;
    return (
      <p className="muted storage-usage">
        Volumes: {storage.claims} ({formatBytes(used)} of storage requested); no quota limits storage.
      </p>
    );
  }
  return (
    <ul className="quota-meters" aria-label="Storage">
      {hard === null || hard <= 0 ? null : (
        <Meter label="Storage requests" used={used} hard={hard} kind="storage" />
      )}
      {storage.claimsHard === null || storage.claimsHard <= 0 ? null : (
        <Meter label="Volumes" used={storage.claims} hard={storage.claimsHard} kind="count" />
      )}
    </ul>
  );
}
