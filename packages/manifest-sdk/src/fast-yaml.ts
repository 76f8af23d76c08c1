import { parse as parseYaml } from "yaml";

/**
 * A fast reader for the YAML that packs render: block mappings and sequences whose scalars are plain words or JSON
 * (what `it.json` emits). It returns `undefined` as soon as the text uses anything else (block scalars, anchors,
 * tags, single quotes, comments after values, multi-line scalars, tabs…), and the caller then uses the full `yaml`
 * parser, so results never differ from it: the property tests in test/fast-yaml.test.ts compare both on generated
 * documents. Full YAML costs several times more per document, which would be most of a render.
 *
 * It works on offsets into the text rather than on line strings: rendering is a hot path and allocation (then GC)
 * was the largest cost.
 */
export function parseSimpleYaml(text: string): unknown[] | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const lines = scanLines(text);
  if (lines === undefined) return undefined;
  const values: unknown[] = [];
  try {
    for (let document = 0; document + 1 < lines.documentStarts.length; document++) {
      const first = lines.documentStarts[document]!;
      const end = lines.documentStarts[document + 1]!;
      if (first < end) values.push(new DocumentReader(text, lines, first, end).read());
    }
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
  return values;
}

// Tabs and carriage returns change indentation rules; control characters, NEL, the line/paragraph separators and
// the BOM are treated specially by YAML readers. None of them is in JSON.stringify output except NEL/U+2028/U+2029
// and C1, which the full parser then handles.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSUPPORTED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** Thrown (never escapes) when the text leaves the supported subset; one instance, as no stack is needed. */
const UNSUPPORTED = new Error("YAML outside the fast subset");

/** The content lines of a text (comments and blank lines dropped), as offsets. */
interface Lines {
  /** Offset of the first character after the indentation. */
  start: number[];
  /** Offset after the last non-space character. */
  end: number[];
  indent: number[];
  /** Index of each document's first line, then the line count. */
  documentStarts: number[];
}

const SPACE = 32;
const HASH = 35;
const QUOTE = 34;
const DASH = 45;
const COLON = 58;
const BACKSLASH = 92;

function scanLines(text: string): Lines | undefined {
  const lines: Lines = { start: [], end: [], indent: [], documentStarts: [0] };
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let contentStart = lineStart;
    while (contentStart < lineEnd && text.charCodeAt(contentStart) === SPACE) contentStart++;
    if (contentStart < lineEnd && text.charCodeAt(contentStart) !== HASH) {
      let contentEnd = lineEnd;
      while (text.charCodeAt(contentEnd - 1) === SPACE) contentEnd--;
      const first = text.charCodeAt(lineStart);
      if (
        contentStart === lineStart &&
        (first === DASH || first === 46 /* . */ || first === 37) /* % */ &&
        isMarker(text, lineStart)
      ) {
        if (contentEnd - lineStart !== 3 || !text.startsWith("---", lineStart)) return undefined;
        lines.documentStarts.push(lines.start.length);
      } else {
        lines.start.push(contentStart);
        lines.end.push(contentEnd);
        lines.indent.push(contentStart - lineStart);
      }
    }
    lineStart = lineEnd + 1;
  }
  lines.documentStarts.push(lines.start.length);
  return lines;
}

/** A column-0 "---", "..." or "%" line: document markers and directives, of which only a bare "---" is handled. */
function isMarker(text: string, offset: number): boolean {
  return text.startsWith("---", offset) || text.startsWith("...", offset) || text.charCodeAt(offset) === 37;
}

class DocumentReader {
  private index: number;
  /** Where the value after the last key read starts (set by readKey, to avoid returning a pair per line). */
  private valueStart = 0;

  constructor(
    private readonly text: string,
    private readonly lines: Lines,
    first: number,
    private readonly end: number,
  ) {
    this.index = first;
  }

  read(): unknown {
    if (this.lines.indent[this.index] !== 0) throw UNSUPPORTED;
    const value = this.readBlock(0);
    if (this.index < this.end) throw UNSUPPORTED;
    return value;
  }

  private readBlock(indent: number): unknown {
    return this.isSequenceItem(this.index) ? this.readSequence(indent) : this.readMapping(indent);
  }

  private isSequenceItem(line: number): boolean {
    const start = this.lines.start[line]!;
    return (
      this.text.charCodeAt(start) === DASH &&
      (start + 1 === this.lines.end[line] || this.text.charCodeAt(start + 1) === SPACE)
    );
  }

  private readMapping(indent: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    const { indent: indents, end: ends } = this.lines;
    while (this.index < this.end) {
      const line = this.index;
      if (indents[line] !== indent || this.isSequenceItem(line)) break;
      const key = this.readKey(line);
      const valueStart = this.valueStart;
      this.index++;
      const value =
        valueStart === ends[line]
          ? this.readNested(indent, true)
          : readInlineValue(this.text, valueStart, ends[line]!);
      if (Object.hasOwn(mapping, key)) throw UNSUPPORTED;
      if (key === "__proto__")
        Object.defineProperty(mapping, key, { value, enumerable: true, writable: true, configurable: true });
      else mapping[key] = value;
      this.rejectDeeperLine(indent);
    }
    return mapping;
  }

  private readSequence(indent: number): unknown[] {
    const sequence: unknown[] = [];
    const { start: starts, end: ends, indent: indents } = this.lines;
    const text = this.text;
    while (this.index < this.end) {
      const line = this.index;
      if (indents[line] !== indent || !this.isSequenceItem(line)) break;
      const start = starts[line]!;
      if (start + 1 === ends[line]) {
        this.index++;
        sequence.push(this.readNested(indent, false));
      } else {
        let itemStart = start + 2;
        while (text.charCodeAt(itemStart) === SPACE) itemStart++;
        starts[line] = itemStart;
        if (this.isSequenceItem(line)) throw UNSUPPORTED;
        if (startsWithKey(text, itemStart, ends[line]!)) {
          // A compact mapping ("- name: web"): its keys sit at the column of the first one.
          indents[line] = indent + (itemStart - start);
          sequence.push(this.readMapping(indents[line]));
        } else {
          this.index++;
          sequence.push(readInlineValue(text, itemStart, ends[line]!));
        }
      }
      this.rejectDeeperLine(indent);
    }
    return sequence;
  }

  /** The value of "key:" or "-" with nothing after it: a deeper block, a same-column sequence, or null. */
  private readNested(parentIndent: number, allowSameColumnSequence: boolean): unknown {
    if (this.index >= this.end) return null;
    const indent = this.lines.indent[this.index]!;
    if (indent > parentIndent) return this.readBlock(indent);
    if (allowSameColumnSequence && indent === parentIndent && this.isSequenceItem(this.index)) {
      return this.readSequence(parentIndent);
    }
    return null;
  }

  /** A line indented deeper than its block after a complete entry is a continuation or an error in YAML. */
  private rejectDeeperLine(indent: number): void {
    if (this.index < this.end && this.lines.indent[this.index]! > indent) throw UNSUPPORTED;
  }

  private readKey(line: number): string {
    const text = this.text;
    const start = this.lines.start[line]!;
    const end = this.lines.end[line]!;
    let key: string;
    let colon: number;
    if (text.charCodeAt(start) === QUOTE) {
      colon = quotedKeyEnd(text, start, end);
      if (colon === -1) throw UNSUPPORTED;
      key = readJsonString(text, start, colon);
    } else {
      colon = plainKeyEnd(text, start, end);
      if (colon === -1) throw UNSUPPORTED;
      key = internKey(text, start, colon);
      // Keys such as `1`, `true` or `null` resolve to other types in YAML, and their JS key would depend on conversion
      // rules. With the key characters allowed here, only a leading digit or a core schema word can do that.
      if (mayResolveToNonString(key) && typeof resolvePlainScalar(key) !== "string") throw UNSUPPORTED;
    }
    let valueStart = colon + 1;
    while (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    this.valueStart = valueStart;
    return key;
  }
}

// Keys repeat across lines and renders ("name", "metadata"…). A fresh slice must be looked up in V8's string table
// on every property access, which profiling showed to be the single most expensive step of a render; reusing the
// string seen last time in the same slot makes the lookups cheap. Collisions only cost a slice.
const KEY_CACHE_SIZE = 1024;
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE_SIZE);

function internKey(text: string, start: number, end: number): string {
  const length = end - start;
  const slot = (length * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1)) & (KEY_CACHE_SIZE - 1);
  const cached = keyCache[slot];
  if (cached !== undefined && cached.length === length && text.startsWith(cached, start)) return cached;
  const key = text.slice(start, end);
  keyCache[slot] = key;
  return key;
}

/**
 * Cheap pre-check so that most keys and words skip the cache: with the characters allowed in them, only a leading
 * digit or one of the core schema's null/boolean words resolves to something other than a string.
 */
function mayResolveToNonString(word: string): boolean {
  const first = word.charCodeAt(0);
  if (first <= 57) return true;
  switch (word.length) {
    case 4:
      return (
        word === "null" ||
        word === "Null" ||
        word === "NULL" ||
        word === "true" ||
        word === "True" ||
        word === "TRUE"
      );
    case 5:
      return word === "false" || word === "False" || word === "FALSE";
    default:
      return false;
  }
}

// Characters of a plain key: letters, digits, "_", ".", "/", "-" (what Kubernetes keys use); it starts with a letter,
// digit or "_".
const PLAIN_KEY_CHARACTER = new Uint8Array(128);
for (const character of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-") {
  PLAIN_KEY_CHARACTER[character.charCodeAt(0)] = 1;
}

/** Offset of the ":" ending a plain key that starts at `start`, or -1. */
function plainKeyEnd(text: string, start: number, end: number): number {
  const first = text.charCodeAt(start);
  if (first === DASH || first === 46 /* . */ || first === 47 /* / */) return -1;
  for (let offset = start; offset < end; offset++) {
    const code = text.charCodeAt(offset);
    if (code === COLON) {
      return offset > start && (offset + 1 === end || text.charCodeAt(offset + 1) === SPACE) ? offset : -1;
    }
    if (code >= 128 || PLAIN_KEY_CHARACTER[code] === 0) return -1;
  }
  return -1;
}

/** Offset of the ":" after a JSON string key that starts at `start` (`"…": `), or -1. */
function quotedKeyEnd(text: string, start: number, end: number): number {
  for (let offset = start + 1; offset < end; offset++) {
    const code = text.charCodeAt(offset);
    if (code === BACKSLASH) offset++;
    else if (code === QUOTE) {
      const colon = offset + 1;
      return text.charCodeAt(colon) === COLON && (colon + 1 === end || text.charCodeAt(colon + 1) === SPACE)
        ? colon
        : -1;
    }
  }
  return -1;
}

function startsWithKey(text: string, start: number, end: number): boolean {
  return (
    (text.charCodeAt(start) === QUOTE ? quotedKeyEnd(text, start, end) : plainKeyEnd(text, start, end)) !== -1
  );
}

/** A JSON string token; without escapes it is its own content (control characters were ruled out up front). */
function readJsonString(text: string, start: number, end: number): string {
  const close = text.indexOf('"', start + 1);
  if (close === end - 1) {
    const backslash = text.indexOf("\\", start + 1);
    if (backslash === -1 || backslash > close) return text.slice(start + 1, close);
  }
  return readJson(text.slice(start, end)) as string;
}

function readInlineValue(text: string, start: number, end: number): unknown {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return readJsonString(text, start, end);
  const token = text.slice(start, end);
  if (first === 91 /* [ */ || first === 123 /* { */) return readJson(token);
  return resolveWord(text, start, end, token) ?? resolvePlainScalar(token);
}

/**
 * The two kinds of plain scalar templates write most, resolved without a cache lookup: a word of key characters that
 * starts with a letter or "_" (a string, unless it is a core schema word), and a small decimal integer.
 */
function resolveWord(text: string, start: number, end: number, token: string): string | number | undefined {
  const first = text.charCodeAt(start);
  if (first >= 48 && first <= 57) {
    if (end - start > 15 || (first === 48 && end - start > 1)) return undefined;
    for (let offset = start + 1; offset < end; offset++) {
      const code = text.charCodeAt(offset);
      if (code < 48 || code > 57) return undefined;
    }
    return Number(token);
  }
  if (first === DASH || first === 46 /* . */ || first === 47 /* / */) return undefined;
  for (let offset = start; offset < end; offset++) {
    const code = text.charCodeAt(offset);
    if (code >= 128 || PLAIN_KEY_CHARACTER[code] === 0) return undefined;
  }
  return mayResolveToNonString(token) ? undefined : token;
}

/** JSON is YAML's flow style, except that JSON.parse keeps the last of duplicate keys where YAML rejects them. */
function readJson(token: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(token);
  } catch {
    throw UNSUPPORTED;
  }
  if (token.includes("{") && countColonsOutsideStrings(token) !== countKeys(value)) throw UNSUPPORTED;
  return value;
}

function countColonsOutsideStrings(text: string): number {
  let count = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === COLON) count++;
  }
  return count;
}

function countKeys(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countKeys(item);
    return count;
  }
  for (const key of Object.keys(value)) count += 1 + countKeys((value as Record<string, unknown>)[key]);
  return count;
}

// One line, no flow indicators, comments or quotes at the start, no ": " inside: tokenised the same by YAML as a
// mapping value, a sequence item or a key, so resolving it once as a mapping value gives its value in context.
const PLAIN_SCALAR = /^[A-Za-z0-9_./~+$^()=<>;-][^\s#,[\]{}]*(?: [^\s#,[\]{}]+)*$/;
const plainScalarCache = new Map<string, unknown>();
const PLAIN_SCALAR_CACHE_LIMIT = 4096;

function resolvePlainScalar(token: string): unknown {
  const cached = plainScalarCache.get(token);
  if (cached !== undefined || plainScalarCache.has(token)) return cached;
  if (!PLAIN_SCALAR.test(token) || token.includes(": ") || token.endsWith(":") || /^-(?: |$)/.test(token)) {
    throw UNSUPPORTED;
  }
  let value: unknown;
  try {
    // Resolved as a mapping value, the position it has in a pack document: alone, "--- x" would start a document.
    const wrapper = parseYaml(`k: ${token}`) as unknown;
    if (wrapper === null || typeof wrapper !== "object" || !Object.hasOwn(wrapper, "k")) throw UNSUPPORTED;
    value = (wrapper as { k: unknown }).k;
  } catch {
    throw UNSUPPORTED;
  }
  if (value !== null && typeof value === "object") throw UNSUPPORTED;
  // Templates repeat the same few words; user values arrive as JSON, so the cache stays small unless a pack pastes
  // raw values, in which case it is simply reset.
  if (plainScalarCache.size >= PLAIN_SCALAR_CACHE_LIMIT) plainScalarCache.clear();
  plainScalarCache.set(token, value);
  return value;
}
