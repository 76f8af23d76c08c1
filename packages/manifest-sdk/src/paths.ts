const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a field path the way a JavaScript or Kubernetes user would write it: `ports[0].containerPort`, and
 * `labels["app.kubernetes.io/name"]` for keys that are not identifiers.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = "";
  for (const segment of segments) path = appendPath(path, segment);
  return path;
}

export function appendPath(path: string, segment: PropertyKey): string {
  if (typeof segment === "number") return `${path}[${segment}]`;
  const key = typeof segment === "symbol" ? (segment.description ?? "") : segment;
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}
