import { scriptsConfig } from "@babyhelm/eslint-config";

// The root lints only its own scripts and the shared tooling; every package lints itself (turbo run lint).
export default [
  { ignores: ["apps/**", "packages/**", "examples/**", "node_modules/**"] },
  ...scriptsConfig(),
];
