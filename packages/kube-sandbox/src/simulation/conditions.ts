import { now } from "../store/object-store.js";
import type { Condition } from "./types.js";

/**
 * Sets one condition the way Kubernetes controllers do: lastTransitionTime moves only when the status flips, so
 * re-computing the same state writes nothing new (which also keeps the controllers from looping on their own writes).
 * `touch` moves lastUpdateTime (Deployment conditions only have it).
 */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Omit<Condition, "lastTransitionTime" | "lastUpdateTime">,
  options: { updateTime?: boolean; touch?: boolean } = {},
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const time = now();
  const unchanged = previous?.status === next.status;
  const condition: Condition = {
    ...next,
    lastTransitionTime: unchanged ? (previous.lastTransitionTime ?? time) : time,
  };
  if (options.updateTime) {
    const sameText = unchanged && previous.reason === next.reason && previous.message === next.message;
    condition.lastUpdateTime = sameText && !options.touch ? (previous.lastUpdateTime ?? time) : time;
  }
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  return list;
}

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}
