// Shared formatting; imports sorted as create-t3-turbo does: Node's modules, then packages, then ours, then relative.
/** @type {import("prettier").Config & import("@ianvs/prettier-plugin-sort-imports").PluginConfig} */
export default {
  printWidth: 110,
  singleQuote: false,
  trailingComma: "all",
  // Resolved from here, so that every package using this config finds the plugin this package depends on.
  plugins: [import.meta.resolve("@ianvs/prettier-plugin-sort-imports")],
  importOrder: ["<BUILTIN_MODULES>", "<THIRD_PARTY_MODULES>", "^@babyhelm/(.*)$", "^[.]"],
  importOrderTypeScriptVersion: "5.9.3",
};
