// "Draft restored — Discard": shown above a form whose unsaved edits came back from an earlier visit.
export function DraftNotice({ what, onDiscard }: { what: string; onDiscard: () => void }) {
  return (
    <div className="notice draft-notice" role="status">
      <span>Draft restored: your unsaved {what} from an earlier visit.</span>{" "}
      <button type="button" className="button button-small button-quiet" onClick={onDiscard}>
        Discard
      </button>
    </div>
  );
}
