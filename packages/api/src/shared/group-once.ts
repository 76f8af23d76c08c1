// Lists grouped by a key, once per list: the cluster cache hands out the same array until what it holds changes, so
// a grouping kept by the array itself is rebuilt exactly when the data is, and every read in between is a lookup.

/** A function that groups a list's items by `keyOf` (items without a key are left out), remembering it per list. */
export function groupOnce<T>(
  keyOf: (item: T) => string | undefined,
): (list: readonly T[]) => ReadonlyMap<string, readonly T[]> {
  const groupings = new WeakMap<readonly T[], Map<string, T[]>>();
  return (list) => {
    let groups = groupings.get(list);
    if (groups !== undefined) return groups;
    groups = new Map();
    for (const item of list) {
      const key = keyOf(item);
      if (key === undefined) continue;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [item]);
      else group.push(item);
    }
    groupings.set(list, groups);
    return groups;
  };
}
