// Requests that reach the sandbox's API server, counted by verb and resource ("list pods", "watch events"). The
// sandbox runs in a process of its own (sandbox-child.ts), so it counts there, with `faults.observe`, which sees every
// authenticated request before it is handled, and answers the totals over HTTP on 127.0.0.1; the bench asks before and
// after a window and takes the difference. A watch counts once, when it is opened: what it streams afterwards is no
// request. The counts include the benches' own requests to the sandbox: none (they go to the server only).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Faults } from "@babyhelm/kube-sandbox";

/** Request counts by "verb resource". */
export type RequestCounts = Map<string, number>;

/** In the sandbox's process: counts every request and serves the totals at the returned URL. */
export async function serveRequestCounts(faults: Pick<Faults, "observe">): Promise<string> {
  const totals: Record<string, number> = {};
  faults.observe((request) => {
    const key = `${request.verb} ${request.resource ?? "(none)"}${request.dryRun ? " (dry run)" : ""}`;
    totals[key] = (totals[key] ?? 0) + 1;
  });
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(totals));
  });
  // The sandbox's own stop ends the process: this server must not keep it alive.
  server.unref();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** In the bench's process: reads the sandbox's totals. */
export class ApiServerRequests {
  constructor(private readonly url: string) {}

  async totals(): Promise<RequestCounts> {
    const response = await fetch(this.url);
    if (!response.ok) throw new Error(`the sandbox's request counts answered ${response.status}`);
    return new Map(Object.entries((await response.json()) as Record<string, number>));
  }

  /** Runs `window` and returns the requests the API server received meanwhile, with what `window` returned. */
  async during<T>(window: () => Promise<T>): Promise<{ value: T; requests: RequestCounts }> {
    const before = await this.totals();
    const value = await window();
    return { value, requests: difference(before, await this.totals()) };
  }
}

export function difference(before: RequestCounts, after: RequestCounts): RequestCounts {
  const counts: RequestCounts = new Map();
  for (const [key, count] of after) {
    const added = count - (before.get(key) ?? 0);
    if (added > 0) counts.set(key, added);
  }
  return counts;
}

export function totalOf(counts: RequestCounts): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/** "list pods 2, watch events 1", largest first; "none" when empty. */
export function describeCounts(counts: RequestCounts, scale = 1, digits = 0): string {
  if (counts.size === 0) return "none";
  return [...counts]
    .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
    .map(([key, count]) => `${key} ${(count * scale).toFixed(digits)}`)
    .join(", ");
}
