/**
 * The value formats of the Kubernetes OpenAPI document that JSON types alone do not capture.
 * Each checker returns an error message, or undefined when the value is fine.
 */

/** The API server's own wording for a bad quantity (`resource.ErrFormatWrong`), so users can search it. */
const QUANTITY_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/**
 * `resource.ParseQuantity`'s grammar: a signed decimal number and one optional suffix, binary SI
 * (`Ki`..`Ei`), decimal SI (`n u m k M G T P E`) or a decimal exponent (`e3`, `E-2`).
 */
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const SUFFIX_MULTIPLIERS: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** RFC 3339, what `metav1.Time` and `metav1.MicroTime` unmarshal. */
const DATE_TIME =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;

/** Standard padded base64, what Go's JSON decoder expects for `[]byte` (Secret `data`). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Checks a Quantity given as a string; numbers are always accepted, as the server's decoder does. */
export function checkQuantity(value: string): string | undefined {
  return QUANTITY.test(value) ? undefined : QUANTITY_MESSAGE;
}

/**
 * The value of a resource quantity (`100m`, `128Mi`, `1e3`, or a number) in base units (cores, bytes) as a
 * double, for comparisons and arithmetic; undefined when it does not parse. Doubles are exact enough to order
 * quantities a person writes.
 */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = QUANTITY.exec(value);
  if (match === null) return undefined;
  const suffix = match[2] ?? "";
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : (SUFFIX_MULTIPLIERS[suffix] ?? 1);
  return Number(match[1]) * multiplier;
}

/** Checks a `metav1.Time`/`MicroTime` string: RFC 3339, and a real date. */
export function checkDateTime(value: string): string | undefined {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
    ? undefined
    : "must be an RFC 3339 date-time, e.g. 2025-01-31T12:00:00Z";
}

/**
 * Checks a `format: byte` string, e.g. a Secret's `data` values. Line breaks are skipped, as Go's decoder does:
 * kustomize's secretGenerator wraps long values at 76 columns.
 */
export function checkBase64(value: string): string | undefined {
  return BASE64.test(value.replace(/[\r\n]/g, ""))
    ? undefined
    : "must be base64-encoded (standard alphabet, padded)";
}

/**
 * Inclusive bounds of the integer formats. 2^63 - 1 is not a double, so the int64 bound rounds to 2^63
 * and only values past it are refused; a JSON parser has already rounded such numbers anyway.
 */
export const INTEGER_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63],
};
