import { baseConfig } from "@babyhelm/eslint-config";

export default baseConfig(import.meta.dirname);
