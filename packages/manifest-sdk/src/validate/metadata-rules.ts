/**
 * Rules on `metadata` (and on pod-template metadata, whose labels the server validates the same way)
 * and on label selectors.
 */
import { asArray, asObject, asString, checkName, type JsonObject } from "./access.js";
import type { IssueSink, PathSegment } from "./issues.js";
import { dns1123Label, labelValue, qualifiedName, type NameRule } from "./name-rules.js";

/** `TotalAnnotationSizeLimitB` in apimachinery: keys and values of all annotations together. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * The top-level `metadata`: a name in the kind's format (or a `generateName` prefix in its place),
 * a namespace that is a DNS-1123 label, labels and annotations.
 */
export function checkObjectMeta(object: JsonObject, nameRule: NameRule, sink: IssueSink): void {
  const meta = asObject(object.metadata);
  const name = asString(meta?.name);
  const generateName = asString(meta?.generateName);
  if (name !== undefined && name !== "") {
    checkName(sink, ["metadata", "name"], name, nameRule);
  } else if (generateName !== undefined && generateName !== "") {
    // The server appends random characters, so the prefix may end with '-' (it masks it the same way).
    const masked = generateName.endsWith("-") ? `${generateName.slice(0, -1)}a` : generateName;
    checkName(sink, ["metadata", "generateName"], generateName, nameRule, masked);
  } else {
    sink.at(["metadata", "name"], "required", "Required value: name or generateName is required");
  }
  const namespace = asString(meta?.namespace);
  if (namespace !== undefined && namespace !== "")
    checkName(sink, ["metadata", "namespace"], namespace, dns1123Label);
  if (meta !== undefined) checkLabelsAndAnnotations(meta, ["metadata"], sink);
}

/** Labels and annotations of any metadata block at `path`. */
export function checkLabelsAndAnnotations(
  meta: JsonObject,
  path: readonly PathSegment[],
  sink: IssueSink,
): void {
  checkLabels(meta.labels, [...path, "labels"], sink);
  const annotations = asObject(meta.annotations);
  if (annotations === undefined) return;
  let units = 0;
  for (const [key, value] of Object.entries(annotations)) {
    // The server checks annotation keys lowercased: upper case is allowed in their name part.
    checkName(sink, [...path, "annotations", key], key, qualifiedName, key.toLowerCase());
    units += key.length + (typeof value === "string" ? value.length : 0);
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: only count bytes exactly when the cheap bound is exceeded.
  if (units * 3 > ANNOTATIONS_MAX_BYTES && annotationBytes(annotations) > ANNOTATIONS_MAX_BYTES) {
    sink.at(
      [...path, "annotations"],
      "range",
      `Too long: may not be more than ${ANNOTATIONS_MAX_BYTES} bytes`,
    );
  }
}

function annotationBytes(annotations: JsonObject): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    bytes += Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
  }
  return bytes;
}

/** A label map (`metadata.labels`, `matchLabels`, a Service `selector`): keys and values. */
export function checkLabels(labels: unknown, path: readonly PathSegment[], sink: IssueSink): void {
  const map = asObject(labels);
  if (map === undefined) return;
  for (const [key, value] of Object.entries(map)) {
    checkName(sink, [...path, key], key, qualifiedName);
    if (typeof value === "string") checkName(sink, [...path, key], value, labelValue);
  }
}

/** A `LabelSelector`: label maps, expression keys, and values present exactly when the operator needs them. */
export function checkLabelSelector(
  selector: JsonObject,
  path: readonly PathSegment[],
  sink: IssueSink,
): void {
  checkLabels(selector.matchLabels, [...path, "matchLabels"], sink);
  const expressions = asArray(selector.matchExpressions) ?? [];
  expressions.forEach((item, i) => {
    const expression = asObject(item);
    if (expression === undefined) return;
    const at = [...path, "matchExpressions", i];
    const key = asString(expression.key);
    if (key !== undefined) checkName(sink, [...at, "key"], key, qualifiedName);
    const values = asArray(expression.values) ?? [];
    const operator = asString(expression.operator);
    if ((operator === "In" || operator === "NotIn") && values.length === 0) {
      sink.at(
        [...at, "values"],
        "required",
        "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      );
    } else if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
      sink.at(
        [...at, "values"],
        "invalid",
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      );
    }
  });
}

/** Whether `selector` selects an object labelled `labels`, as `metav1.LabelSelectorAsSelector` does. */
export function selectorMatches(selector: JsonObject, labels: JsonObject): boolean {
  const matchLabels = asObject(selector.matchLabels) ?? {};
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const item of asArray(selector.matchExpressions) ?? []) {
    const expression = asObject(item);
    const key = asString(expression?.key);
    if (expression === undefined || key === undefined) return false;
    const value = labels[key];
    const values = asArray(expression.values) ?? [];
    const has = typeof value === "string";
    switch (expression.operator) {
      case "In":
        if (!has || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
