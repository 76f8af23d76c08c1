import { z } from "zod";
import { fieldError } from "./field-error.js";

/**
 * A field that accepts any of `members`, refused with one message naming the field. The SDK reports a plain zod
 * union's type mismatch as "expected number or string", which drops our message; a custom check keeps it, and
 * `meta` keeps the JSON Schema exact (an `anyOf` of the members) for editors.
 */
export function unionField<const Members extends readonly [z.ZodType, z.ZodType, ...z.ZodType[]]>(
  field: string,
  expectation: string,
  members: Members,
) {
  const union = z.union(members);
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(union, { io: "input" });
  return z
    .custom<z.input<typeof union>>((value) => union.safeParse(value).success, {
      error: fieldError(field, expectation),
    })
    .meta(jsonSchema)
    .pipe(union);
}
