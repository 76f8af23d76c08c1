import type { IncomingMessage, ServerResponse } from "node:http";
import type { Simulation } from "../contract.js";
import type { ResourceInfo, Verb } from "../resources.js";
import type { MemoryObjectStore } from "../store/object-store.js";
import type { ServiceAllocator } from "./defaults.js";
import type { NamespaceLifecycle } from "./namespaces.js";
import type { WatchHub } from "./watch.js";

/** What every handler works with: one per server. */
export interface ServerContext {
  store: MemoryObjectStore;
  hub: WatchHub;
  namespaces: NamespaceLifecycle;
  /** Set once the simulation runs; pod logs and metrics come from it. */
  simulation: Simulation | undefined;
  bookmarkIntervalMs: number;
  services: ServiceAllocator;
}

/** One API request, resolved against the resource table (the apiserver's RequestInfo). */
export interface ResourceRequest {
  verb: Verb;
  info: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  request: IncomingMessage;
  response: ServerResponse;
}
