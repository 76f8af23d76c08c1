import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLines } from "../../src/cluster/line-reader.js";

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(Readable.from(chunks, { objectMode: true }))) lines.push(line);
  return lines;
}

describe("readLines", () => {
  it("splits on newlines across chunks, drops \\r, and keeps a last line without newline", async () => {
    expect(await linesOf(["a\nb", "c\r\n", "\n", "last"])).toEqual(["a", "bc", "", "last"]);
    expect(await linesOf(["one\n"])).toEqual(["one"]);
    expect(await linesOf([])).toEqual([]);
  });

  it("keeps a multi-byte character whole when a chunk boundary cuts it", async () => {
    const bytes = Buffer.from("héllo → wörld\n");
    const cut = bytes.indexOf(Buffer.from("→")) + 1;
    expect(await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(["héllo → wörld"]);
  });
});
