export * from "./contract.js";
export { MemoryObjectStore, type StoreSnapshot } from "./store/object-store.js";
export { startSandbox, type Kubeconfig, type Sandbox, type SandboxOptions } from "./sandbox.js";
export type { FailOptions, FaultMatch, Faults, RequestAttributes } from "./faults.js";
export { RESOURCES, type ResourceInfo, type Verb } from "./resources.js";
export { ruleAllows, type AuthorizationDecision, type PolicyRule } from "./server/authorization.js";
export type { UserInfo } from "./server/service-account-tokens.js";
