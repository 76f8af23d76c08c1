// Kubernetes and OCI naming rules both packs enforce before rendering, so a bad value is refused with a message that
// names its field instead of by the API server after half the objects were applied.
import { z } from "zod";
import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from "@babyhelm/manifest-sdk/names";
import { fieldError } from "./field-error.js";

/** Kubernetes' classic environment variable name rule (a C identifier, plus `.` and `-`), which every shell accepts. */
export const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A label value: empty, or alphanumerics with '-', '_', '.' inside (at most 63 characters, checked apart). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
// With the `u` flag a surrogate pair is one code point, so this matches only a lone (unpaired) surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

// The distribution/reference grammar: [registry[:port]/]path[/path...][:tag][@digest]. Group 1 is the tag.
const REGISTRY = String.raw`(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)`;
const PATH_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const TAG = String.raw`[\w][\w.-]{0,127}`;
const DIGEST = String.raw`[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`;
export const IMAGE_REFERENCE = new RegExp(
  `^${REGISTRY}?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::(${TAG}))?(?:@${DIGEST})?$`,
);

/** The namespaces every cluster already has: a project may never claim one. */
export const RESERVED_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
];

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** A label or annotation key: `[prefix/]name`, prefix a DNS subdomain of at most 253, name at most 63. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

export function imageSchema(field: string) {
  const expectation = "a container image reference like nginx:1.27 or ghcr.io/org/app:v1 (no spaces)";
  return (
    z
      .string({ error: fieldError(field, expectation) })
      // Registries refuse repository names over 255 characters; a tag and a digest add at most 200 more.
      .max(512, { error: `${field} must be at most 512 characters`, abort: true })
      .regex(IMAGE_REFERENCE, { error: `${field} must be ${expectation}` })
  );
}

export function envNameSchema(field: string) {
  const expectation =
    "an environment variable name: letters, digits, '_', '.', '-', not starting with a digit";
  return z
    .string({ error: fieldError(field, expectation) })
    .regex(ENV_VAR_NAME, { error: `${field} must be ${expectation}` });
}

/** The project's namespace name: the same rule for every pack, because it is the cluster's rule. */
export function namespaceNameSchema(field: string) {
  const expectation =
    "a lowercase DNS label: a-z, 0-9 and '-', starting and ending with a letter or digit, at most 63 characters";
  return z
    .string({ error: fieldError(field, expectation) })
    .max(63, { error: `${field} must be at most 63 characters`, abort: true })
    .regex(DNS_1123_LABEL, { error: `${field} must be ${expectation}` })
    .refine((name) => !RESERVED_NAMESPACES.includes(name), {
      error: `${field} must not be one of the cluster's own namespaces (${RESERVED_NAMESPACES.join(", ")})`,
    });
}

export function dnsSubdomainSchema(field: string) {
  const expectation = "a lowercase DNS name: a-z, 0-9, '-' and '.', at most 253 characters";
  return z
    .string({ error: fieldError(field, expectation) })
    .max(253, { error: `${field} must be at most 253 characters`, abort: true })
    .regex(DNS_1123_SUBDOMAIN, { error: `${field} must be ${expectation}` });
}

export function labelValueSchema(field: string) {
  const expectation =
    "a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return z
    .string({ error: fieldError(field, expectation) })
    .refine(isLabelValue, { error: `${field} must be ${expectation}` });
}

/** Label selectors (`matchLabels`): keys and values both follow the label rules. */
export function labelMapSchema(field: string) {
  return z.record(
    z
      .string()
      .refine(isQualifiedName, { error: `${field} keys must be label keys like example.com/name or name` }),
    labelValueSchema(`${field} values`),
    { error: fieldError(field, "a map of label keys to label values") },
  );
}

/**
 * Free text that reaches a manifest (env values, annotations): any string, but well-formed Unicode, since a lone
 * surrogate cannot be encoded as UTF-8 and would reach the cluster as U+FFFD instead of what the user wrote.
 */
export function textSchema(field: string, expectation = "a string") {
  return z.string({ error: fieldError(field, expectation) }).refine((text) => !LONE_SURROGATE.test(text), {
    error: `${field} must be valid Unicode text (it has a lone surrogate)`,
  });
}

/** Annotations: free-text values (emitted as JSON scalars), keys following the label key rule. */
export function annotationsSchema(field: string) {
  return z
    .record(
      z.string().refine(isQualifiedName, {
        error: `${field} keys must be annotation keys like example.com/name or name`,
      }),
      textSchema(`${field} values`, "strings"),
      { error: fieldError(field, "a map of annotation keys to string values") },
    )
    .refine((annotations) => JSON.stringify(annotations).length <= 256 * 1024, {
      error: `${field} must total at most 256 KiB`,
    });
}
