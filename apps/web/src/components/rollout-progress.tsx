import { useId } from "react";
import { progressLabel, type AppState } from "../lib/app-state.js";

/**
 * How far the rollout of the current revision got: ready replicas of the newest ReplicaSet against the desired
 * count, and during an update how many pods (old ones included) serve meanwhile. A progressbar for assistive
 * technology, with the count in words.
 */
export function RolloutProgress({
  state,
  progress,
  serving,
}: {
  state: AppState;
  progress: { done: number; total: number };
  /** Ready pods of any revision; shown when more serve than the new revision's ready ones. */
  serving?: number;
}) {
  const labelId = useId();
  const label = progressLabel(progress, serving);
  const percent = progress.total === 0 ? 100 : Math.round((progress.done / progress.total) * 100);
  return (
    <div className={`rollout rollout-${state}`}>
      <p id={labelId} className="rollout-label">
        {label}
      </p>
      {progress.total === 0 ? null : (
        <div
          className="progress"
          role="progressbar"
          aria-labelledby={labelId}
          aria-valuemin={0}
          aria-valuemax={progress.total}
          aria-valuenow={progress.done}
          aria-valuetext={label}
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
      )}
    </div>
  );
}
