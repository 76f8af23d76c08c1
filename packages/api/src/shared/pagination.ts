import { TRPCError } from "@trpc/server";
import { z } from "zod";

export const pageInput = {
  cursor: z.string().max(512).nullish(),
  limit: z.number().int().min(1).max(100).default(20),
};

export interface Page<Item> {
  items: Item[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url JSON of the sort key of the last item sent. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor<Key>(
  cursor: string | null | undefined,
  schema: z.ZodType<Key>,
): Key | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "cursor: not a cursor this list returned; start again without one",
    });
  }
}

/** Rows were fetched with limit + 1: the extra row only says there is a next page. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => unknown,
): Page<Item> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    items: shown.map(toItem),
    nextCursor: more ? encodeCursor(keyOf(shown[shown.length - 1]!)) : null,
  };
}
