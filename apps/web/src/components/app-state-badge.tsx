import { STATE_LABELS, STATE_MEANINGS, type AppState } from "../lib/app-state.js";

/** An app's state in a word ("Ready", "Deploying"…), coloured, with what it means on hover. */
export function AppStateBadge({ state }: { state: AppState | undefined }) {
  if (state === undefined) {
    return (
      <span className="badge state-badge state-unknown" title="BabyHelm could not read the app's status.">
        Unknown
      </span>
    );
  }
  return (
    <span className={`badge state-badge state-${state}`} title={STATE_MEANINGS[state]}>
      {STATE_LABELS[state]}
    </span>
  );
}
