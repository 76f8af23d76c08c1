export * from "./contract.js";
export { MemoryObjectStore, type StoreSnapshot } from "./store/object-store.js";
export { startSandbox, type Kubeconfig, type Sandbox, type SandboxOptions } from "./sandbox.js";
export type { FailOptions, FaultMatch, Faults, RequestAttributes } from "./faults.js";
export { RESOURCES, type ResourceInfo, type Verb } from "./resources.js";
