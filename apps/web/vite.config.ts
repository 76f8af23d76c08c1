import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig, type Plugin } from "vite";

// `pnpm dev` proxies the API to a running server (`pnpm --filter @babyhelm/server start`). The Host header is
// passed through unchanged (no changeOrigin) so that the server sees the page's own origin and accepts its
// cookie-authenticated mutations.
const serverUrl = process.env.BABYHELM_SERVER_URL ?? "http://127.0.0.1:8080";

/** Writes `file.gz` beside every compressible output file, for servers that send precompressed files. */
function precompress(): Plugin {
  return {
    name: "babyhelm:precompress",
    apply: "build",
    // After the files are written: earlier, chunks still hold placeholders that later plugins fill in.
    writeBundle(options, bundle) {
      const dir = options.dir ?? "dist";
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue;
        const source = readFileSync(join(dir, fileName));
        if (source.length >= 1024) writeFileSync(join(dir, `${fileName}.gz`), gzipSync(source, { level: 9 }));
      }
    },
  };
}

/** The packages only the generic app form (pages/app/generic-app-form.tsx) loads. */
const GENERIC_FORM_ONLY =
  /[\\/]node_modules[\\/](@rjsf|@x0k|ajv|ajv-formats|fast-deep-equal|fast-equals|fast-uri|json-schema-traverse|jsonpointer|lodash|lodash-es|markdown-to-jsx|react-is)[\\/]/;

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: {
    // The workspace packages export their TypeScript sources under "development" and their dist/ by default. The
    // dashboard bundles the sources in production builds too (vite would take "production"), so that building it
    // needs no earlier build of @babyhelm/manifest-sdk. Its npm dependencies have no "development" export (React
    // and React Router choose their build by NODE_ENV), so they are bundled as before.
    conditions: ["development", ...defaultClientConditions],
  },
  server: {
    proxy: {
      "/trpc": serverUrl,
      "/readyz": serverUrl,
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // scripts/size.mjs reads the manifest to find what each page loads first.
    manifest: true,
    target: "es2022",
    rolldownOptions: {
      output: {
        // Libraries change less often than our code: one vendor chunk stays cached across our releases. Those only
        // the generic app form uses (rjsf, Ajv and theirs) stay in its lazy chunk, out of the first download.
        codeSplitting: {
          groups: [
            {
              name: "vendor",
              test: (id) => /[\\/]node_modules[\\/]/.test(id) && !GENERIC_FORM_ONLY.test(id),
            },
          ],
        },
      },
    },
  },
});
