// Resource quantities as apimachinery's resource.Quantity handles them where admission needs it: parsed to milli-units,
// added, compared, and printed back in canonical form ("4", "500m", "256Mi"), because the API server's quota and
// limit messages print quantities that way and clients match on them.

export type QuantityFormat = "DecimalSI" | "BinarySI";

export interface Quantity {
  /** The value in thousandths of the base unit (millicores, millibytes): exact for everything admission sees. */
  milli: number;
  format: QuantityFormat;
}

const PATTERN =
  /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;
const DECIMAL: Record<string, number> = { m: -1, "": 0, k: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIXES = ["", "k", "M", "G", "T", "P", "E"];
const BINARY_SUFFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/** undefined for text that is not a quantity (validation refuses those before admission sees them). */
export function parseQuantity(text: unknown): Quantity | undefined {
  if (typeof text === "number") return { milli: Math.round(text * 1000), format: "DecimalSI" };
  if (typeof text !== "string") return undefined;
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, number, suffix = ""] = match;
  const value = Number(number);
  if (suffix in BINARY)
    return { milli: Math.round(value * 1024 ** BINARY[suffix]! * 1000), format: "BinarySI" };
  if (suffix in DECIMAL)
    return { milli: Math.round(value * 1000 ** (DECIMAL[suffix]! + 1)), format: "DecimalSI" };
  return { milli: Math.round(value * 10 ** Number(suffix.slice(1)) * 1000), format: "DecimalSI" };
}

/** resource.Quantity.String(): the largest suffix that keeps the number whole; a BinarySI value below 1024 is decimal. */
export function formatQuantity(quantity: Quantity): string {
  const { milli } = quantity;
  if (milli === 0) return "0";
  if (milli % 1000 !== 0) return `${milli}m`;
  const value = milli / 1000;
  if (quantity.format === "BinarySI" && Math.abs(value) >= 1024) {
    let exponent = 0;
    while (exponent < 6 && value % 1024 ** (exponent + 1) === 0) exponent++;
    return `${value / 1024 ** exponent}${BINARY_SUFFIXES[exponent]}`;
  }
  let exponent = 0;
  while (exponent < 6 && value % 1000 ** (exponent + 1) === 0) exponent++;
  return `${value / 1000 ** exponent}${DECIMAL_SUFFIXES[exponent]}`;
}

/** Adds like Quantity.Add: the sum keeps the format of the left operand (the first one added). */
export function addQuantities(left: Quantity | undefined, right: Quantity): Quantity {
  return left ? { milli: left.milli + right.milli, format: left.format } : { ...right };
}

export type ResourceList = Map<string, Quantity>;

/** quota.Add over resource lists. */
export function addLists(left: ResourceList, right: ResourceList): ResourceList {
  const sum = new Map(left);
  for (const [key, value] of right) sum.set(key, addQuantities(sum.get(key), value));
  return sum;
}

export function parseList(values: Record<string, unknown> | undefined): ResourceList {
  const list: ResourceList = new Map();
  for (const [key, text] of Object.entries(values ?? {})) {
    const quantity = parseQuantity(text);
    if (quantity) list.set(key, quantity);
  }
  return list;
}

export function listToJson(list: ResourceList): Record<string, string> {
  return Object.fromEntries([...list].map(([key, value]) => [key, formatQuantity(value)]));
}

/** prettyPrint of the quota admission: `key=value` pairs sorted by key, joined by commas. */
export function prettyPrint(list: ResourceList, keys: readonly string[]): string {
  return [...keys]
    .filter((key) => list.has(key))
    .sort()
    .map((key) => `${key}=${formatQuantity(list.get(key)!)}`)
    .join(",");
}
