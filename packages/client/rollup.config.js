// Bundles the declarations into one self-contained dist/index.d.ts. The router's types come from workspace packages
// that the client's users do not install (@babyhelm/api, and what its procedures return): their declarations are
// inlined. npm packages stay imports; the pack smoke test checks that they are only the client's dependencies.
import { dts } from "rollup-plugin-dts";

export default {
  input: "src/index.ts",
  output: { file: "dist/index.d.ts", format: "es" },
  // Node's modules, which server files of @babyhelm/api import; none of it reaches the client's declarations.
  external: [/^node:/],
  plugins: [
    dts({
      tsconfig: "tsconfig.build.json",
      includeExternal: ["@babyhelm/api", "@babyhelm/db", "@babyhelm/manifest-sdk"],
      // Workspace packages then resolve to their own folders, from which their dependencies' types can be named.
      compilerOptions: { preserveSymlinks: false },
    }),
  ],
  onwarn(warning, warn) {
    // @babyhelm/api's index re-exports modules that name its types; one declaration file has no execution order.
    if (warning.code !== "CYCLIC_CROSS_CHUNK_REEXPORT") warn(warning);
  },
};
