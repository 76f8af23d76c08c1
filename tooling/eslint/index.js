// Shared flat config: typescript-eslint's type-checked rules for every package's TypeScript, and the recommended
// rules for its plain JavaScript (bins, scripts, configs), which no tsconfig includes.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * @param {string} tsconfigRootDir the package folder (pass `import.meta.dirname`)
 * @returns {import("typescript-eslint").ConfigArray}
 */
export function baseConfig(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ["dist/**", "coverage/**", "test-output/**"] },
    js.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        "@typescript-eslint/restrict-template-expressions": [
          "error",
          { allowNumber: true, allowBoolean: true },
        ],
        "@typescript-eslint/no-non-null-assertion": "off",
        "@typescript-eslint/no-unnecessary-condition": "off",
      },
    },
    {
      files: ["**/*.js", "**/*.mjs"],
      extends: [tseslint.configs.disableTypeChecked],
      languageOptions: { globals: globals.node },
    },
    {
      // Tests and benches read untyped JSON responses, and pass plain object literals to client libraries' model
      // classes (how @kubernetes/client-node is meant to be used).
      files: ["**/*.test.ts", "**/test/**/*.ts", "**/bench/**/*.ts"],
      rules: {
        "@typescript-eslint/no-unsafe-assignment": "off",
        "@typescript-eslint/no-unsafe-member-access": "off",
        "@typescript-eslint/no-unsafe-call": "off",
        "@typescript-eslint/no-unsafe-argument": "off",
        "@typescript-eslint/no-unsafe-return": "off",
        "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
        "@typescript-eslint/no-explicit-any": "off",
      },
    },
  );
}

/**
 * For the repository's own scripts (`scripts/*.mjs`), linted by the root test command.
 * @returns {import("typescript-eslint").ConfigArray}
 */
export function scriptsConfig() {
  return tseslint.config(js.configs.recommended, {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: globals.node },
  });
}
