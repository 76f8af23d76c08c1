// The pod-template-hash label, computed the way kube-controller-manager does it: a 32-bit FNV-1a hash of the pod
// template (plus the Deployment's collisionCount), printed in decimal and each digit mapped through the
// "safe" alphabet without vowels (k8s.io/apimachinery/pkg/util/rand.SafeEncodeString). Go hashes its own
// serialization, so the values differ from a real cluster's, but they are stable, deterministic and look alike.
import { isPlainObject } from "../store/clone.js";

export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

/** The alphabet of generated names: no vowels (no words) and no confusable characters. */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * JSON with object keys sorted and null fields left out, so equal templates hash equally whatever order their fields
 * were written in, and `null` (which clients such as `kubectl rollout undo` send for an empty creationTimestamp)
 * counts as absent, as the API server's typed decoding treats it.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined && value[key] !== null)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const hash = fnv1a32(canonicalJson(template) + (collisionCount > 0 ? String(collisionCount) : ""));
  // Padding to ten digits keeps every hash ten characters long.
  const digits = String(hash).padStart(10, "0");
  let encoded = "";
  for (let i = 0; i < digits.length; i++)
    encoded += SAFE_ALPHABET.charAt(digits.charCodeAt(i) % SAFE_ALPHABET.length);
  return encoded;
}

/** Whether a ReplicaSet's template is the Deployment's template, apart from the pod-template-hash label. */
export function sameTemplate(a: PodTemplateLike, b: PodTemplateLike): boolean {
  return templateKey(a) === templateKey(b);
}

/**
 * Canonical JSON of frozen (stored) templates: the Deployment controller compares its template with every
 * ReplicaSet's on each reconcile, and a stored template never changes (a status write even keeps the same spec
 * object), so each is serialized once. Weak keys: templates of replaced objects are simply collected.
 */
const templateKeys = new WeakMap<PodTemplateLike, string>();

function templateKey(template: PodTemplateLike): string {
  let key = templateKeys.get(template);
  if (key === undefined) {
    key = canonicalJson(withoutHashLabel(template));
    // A template that is not frozen may still change: never cache it.
    if (Object.isFrozen(template)) templateKeys.set(template, key);
  }
  return key;
}

interface PodTemplateLike {
  metadata?: { labels?: Record<string, string> };
}

function withoutHashLabel(template: PodTemplateLike): PodTemplateLike {
  const labels = Object.fromEntries(
    Object.entries(template.metadata?.labels ?? {}).filter(([key]) => key !== POD_TEMPLATE_HASH_LABEL),
  );
  return { ...template, metadata: { ...template.metadata, labels } };
}

/** `<prefix><5 random safe characters>`, like the API server's generateName. */
export function generateName(prefix: string): string {
  let suffix = "";
  for (let i = 0; i < 5; i++)
    suffix += SAFE_ALPHABET.charAt(Math.floor(Math.random() * SAFE_ALPHABET.length));
  return `${prefix}${suffix}`;
}
