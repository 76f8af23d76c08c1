// Integer inputs, bounded by the columns they are compared with: a number PostgreSQL cannot hold is a BAD_REQUEST
// naming the field, not a database error.
import { z } from "zod";

/** `integer` (int4): revision numbers, offsets. */
export const INT4_MAX = 2_147_483_647;

/** A whole number from `min` to what an `integer` column holds. */
export function int4(min: number) {
  return z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(INT4_MAX, `must be at most ${INT4_MAX}`);
}

/** `bigint` (int8) identities, within what JSON numbers carry exactly. */
export const int8Id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
