// The one place mutations report back: a polite live region that assistive technology reads out, placed where it
// covers none of the page's controls (toast-placement.ts).
import { createContext, use, useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { useToastPlacement } from "./toast-placement.js";

type ToastKind = "success" | "error" | "info";

interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

interface ToastApi {
  success(text: string): void;
  error(text: string): void;
  info(text: string): void;
  /** Drops every message: what was said to the previous user is not for the next one. */
  clear(): void;
}

const ToastContext = createContext<ToastApi | null>(null);

const SHOWN_MS: Record<ToastKind, number> = { success: 5_000, info: 8_000, error: 15_000 };
/** Older messages make way: a stack of them would hide the page. */
const MAX_SHOWN = 2;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const stack = useToastPlacement(toasts.length);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback(
    (kind: ToastKind, text: string) => {
      const id = nextId.current++;
      setToasts((current) => [...current.slice(1 - MAX_SHOWN), { id, kind, text }]);
      setTimeout(() => {
        dismiss(id);
      }, SHOWN_MS[kind]);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      success: (text) => {
        show("success", text);
      },
      error: (text) => {
        show("error", text);
      },
      info: (text) => {
        show("info", text);
      },
      clear: () => {
        setToasts([]);
      },
    }),
    [show],
  );

  return (
    <ToastContext value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite" ref={stack}>
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`}>
            <span className="toast-icon" aria-hidden="true">
              {toast.kind === "success" ? "✓" : toast.kind === "error" ? "!" : "i"}
            </span>
            <p>{toast.text}</p>
            <button
              type="button"
              className="toast-close"
              onClick={() => {
                dismiss(toast.id);
              }}
              aria-label="Dismiss message"
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext>
  );
}

export function useToast(): ToastApi {
  const api = use(ToastContext);
  if (api === null) throw new Error("useToast needs a <ToastProvider> above it");
  return api;
}
