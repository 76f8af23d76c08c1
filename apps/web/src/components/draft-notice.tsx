// "Draft restored — Discard": shown above a form whose unsaved edits came back from the browser's drafts (after a
// reload, Back/Forward, another tab of the page, or a new sign-in).
export function DraftNotice({
  what,
  onDiscard,
  hasSecrets = false,
}: {
  what: string;
  onDiscard: () => void;
  /** The form has secrets: their values are never kept on the browser, so any typed before must be typed again. */
  hasSecrets?: boolean;
}) {
  return (
    <div className="notice draft-notice" role="status">
      <span>
        Draft restored: your unsaved {what}, kept on this browser.
        {hasSecrets
          ? " Secret values are never kept on the browser: type again any secret value you had changed (left empty, a secret keeps its saved value)."
          : ""}
      </span>{" "}
      <button type="button" className="button button-small button-quiet" onClick={onDiscard}>
        Discard
      </button>
    </div>
  );
}
