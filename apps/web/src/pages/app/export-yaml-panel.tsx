import { useEffect, useMemo } from "react";
import { appDocumentToYaml } from "@babyhelm/manifest-sdk/app-document";
import { CodeBlock } from "../../components/code-block.js";
import { CopyButton } from "../../components/copy-button.js";
import type { AppDetails } from "../../lib/app-state.js";

export default function ExportYamlPanel({ app }: { app: Pick<AppDetails, "name" | "pack" | "spec"> }) {
  const text = useMemo(
    () => appDocumentToYaml({ name: app.name, pack: app.pack, spec: app.spec as Record<string, unknown> }),
    [app.name, app.pack, app.spec],
  );
  const href = useMemo(() => URL.createObjectURL(new Blob([text], { type: "application/yaml" })), [text]);
  useEffect(
    () => () => {
      URL.revokeObjectURL(href);
    },
    [href],
  );
  return (
    <div className="export-yaml-panel">
      <p className="muted">
        Keep it in your repository and deploy it with{" "}
        <code>babyhelm deploy -f {app.name}.yaml --project …</code> or the project&apos;s &quot;Deploy from
        YAML&quot;. Secrets are listed by name only.
      </p>
      <div className="button-row">
        <a className="button button-secondary" href={href} download={`${app.name}.yaml`}>
          Download {app.name}.yaml
        </a>
        <CopyButton text={text} label="Copy YAML" />
      </div>
      <CodeBlock label={`${app.name} as YAML`}>{text}</CodeBlock>
    </div>
  );
}
