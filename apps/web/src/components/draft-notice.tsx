// "Draft restored — Discard": shown above a form whose unsaved edits came back from the browser's drafts (after a
// reload, Back/Forward, another tab of the page, or a new sign-in).
export function DraftNotice({ what, onDiscard }: { what: string; onDiscard: () => void }) {
  return (
    <div className="notice draft-notice" role="status">
      <span>Draft restored: your unsaved {what}, kept on this browser.</span>{" "}
      <button type="button" className="button button-small button-quiet" onClick={onDiscard}>
        Discard
      </button>
    </div>
  );
}
