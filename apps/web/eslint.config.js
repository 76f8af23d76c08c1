import reactHooks from "eslint-plugin-react-hooks";
import { baseConfig } from "@babyhelm/eslint-config";

export default [
  ...baseConfig(import.meta.dirname),
  reactHooks.configs.flat.recommended,
  {
    // The shared config relaxes the unsafe-any rules for test/**/*.ts; component tests are .tsx.
    files: ["test/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
];
