import { useEffect, useState } from "react";

/** Copies `text` to the clipboard and says so; tells the person to copy by hand where the browser refuses. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => {
      setState("idle");
    }, 4_000);
    return () => {
      clearTimeout(timer);
    };
  }, [state]);
  return (
    <>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => {
          // Browsers only offer the clipboard to secure pages (https, or localhost).
          const clipboard = window.isSecureContext
            ? (navigator.clipboard as Clipboard | undefined)
            : undefined;
          if (clipboard === undefined) {
            setState("failed");
            return;
          }
          clipboard.writeText(text).then(
            () => {
              setState("copied");
            },
            () => {
              setState("failed");
            },
          );
        }}
      >
        {state === "copied" ? "Copied" : label}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {state === "copied" ? "Copied to the clipboard." : ""}
      </span>
      {state === "failed" ? (
        <span className="copy-failed" role="alert">
          The browser did not allow copying: select the text and copy it by hand.
        </span>
      ) : null}
    </>
  );
}
