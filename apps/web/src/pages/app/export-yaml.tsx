// "Export as YAML": the app as the document `babyhelm deploy -f` and "Deploy from YAML" take, to keep in a
// repository. The panel (and the YAML writer it needs) loads only when opened.
import { lazy, Suspense, useState } from "react";
import type { AppDetails } from "../../lib/app-state.js";

const ExportYamlPanel = lazy(() => import("./export-yaml-panel.js"));

export function ExportYaml({ app }: { app: Pick<AppDetails, "name" | "pack" | "spec"> }) {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="export-yaml"
      onToggle={(event) => {
        setOpen(event.currentTarget.open);
      }}
    >
      <summary>Export as YAML</summary>
      {open ? (
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <ExportYamlPanel app={app} />
        </Suspense>
      ) : null}
    </details>
  );
}
