// Shared setup for the simulation tests: a real MemoryObjectStore with the simulation running on it, fast.
import { afterEach } from "vitest";
import type { NewObject, Simulation, StoredObject } from "../src/contract.js";
import { startSimulation } from "../src/simulation/index.js";
import { MemoryObjectStore } from "../src/store/object-store.js";

export const READY_DELAY_MS = 20;

export interface Harness {
  store: MemoryObjectStore;
  simulation: Simulation;
}

const running: Simulation[] = [];
afterEach(() => {
  for (const simulation of running.splice(0)) simulation.stop();
});

export function startHarness(readyDelayMs = READY_DELAY_MS): Harness {
  const store = new MemoryObjectStore();
  const simulation = startSimulation(store, { readyDelayMs });
  running.push(simulation);
  return { store, simulation };
}

/** Polls `read` until it returns something other than false/undefined/null, and returns that (as untyped JSON). */
export async function waitFor(what: string, read: () => unknown, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function deployment(
  name: string,
  options: { replicas?: number; image?: string; spec?: Record<string, unknown>; containers?: unknown[] } = {},
): NewObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: options.containers ?? [
            {
              name: "web",
              image: options.image ?? "nginx:1.27",
              ports: [{ name: "http", containerPort: 80 }],
              resources: { requests: { cpu: "100m", memory: "64Mi" } },
            },
          ],
        },
      },
      ...options.spec,
    },
  };
}

/** Applies `change` to the stored object's spec and writes it back, like a client's update. */
export function updateSpec(
  store: MemoryObjectStore,
  resource: string,
  name: string,
  change: (spec: any) => void,
): StoredObject {
  const object = store.get(resource, "default", name)!;
  const spec = structuredClone(object.spec);
  change(spec);
  return store.update(resource, { ...object, spec });
}

export function condition(object: StoredObject | undefined, type: string): any {
  return (object?.status as any)?.conditions?.find((candidate: any) => candidate.type === type);
}

/** True once a Deployment's status says what `kubectl rollout status` needs to say "successfully rolled out". */
export function rolledOut(store: MemoryObjectStore, name: string): StoredObject | undefined {
  const object = store.get("deployments", "default", name);
  const status = object?.status as any;
  const replicas = (object?.spec as any)?.replicas;
  const done =
    status &&
    status.observedGeneration >= (object?.metadata.generation ?? 0) &&
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    condition(object, "Progressing")?.reason === "NewReplicaSetAvailable";
  return done ? object : undefined;
}

export function ownedBy(store: MemoryObjectStore, resource: string, owner: StoredObject): StoredObject[] {
  return store
    .list(resource, "default")
    .filter((object) => object.metadata.ownerReferences?.some((ref) => ref.uid === owner.metadata.uid));
}

export interface RecordedEvent {
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string; host?: string };
  involvedObject: { uid: string; kind: string; name: string; fieldPath?: string };
}

export function eventsFor(store: MemoryObjectStore, object: StoredObject): RecordedEvent[] {
  return (store.list("events", "default") as unknown as RecordedEvent[]).filter(
    (event) => event.involvedObject.uid === object.metadata.uid,
  );
}

/** [type, status, reason] of each condition of an object's status. */
export function conditionSummary(object: unknown): string[][] {
  const conditions =
    (object as { status?: { conditions?: { type: string; status: string; reason?: string }[] } }).status
      ?.conditions ?? [];
  return conditions.map((c) => [c.type, c.status, c.reason ?? ""]);
}
