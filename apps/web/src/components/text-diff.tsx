// Manifest diffs shown in the preview, the revisions and the edit conflict.
import { CodeBlock } from "./code-block.js";

/**
 * A manifest diff as the SDK's formatDiff writes it (`+ Deployment/web added`, `    ~ spec.replicas: 1 -> 2`), with
 * additions, removals and changes told apart by colour and by their sign.
 */
export function TextDiff({ diff, label }: { diff: string; label: string }) {
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <CodeBlock className="diff" label={label}>
      {lines.map((line, index) => {
        const sign = line.trimStart()[0];
        const kind = sign === "+" ? "added" : sign === "-" ? "removed" : sign === "~" ? "changed" : "same";
        return (
          <span key={index} className={`diff-line diff-${kind}${line.startsWith(" ") ? "" : " diff-object"}`}>
            {line}
            {"\n"}
          </span>
        );
      })}
    </CodeBlock>
  );
}
