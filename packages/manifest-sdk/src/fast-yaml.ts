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
  try {
    return new StreamReader(text).read();
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

// Tabs and carriage returns change indentation rules; control characters, NEL, the line/paragraph separators and
// the BOM are treated specially by YAML readers. None of them is in JSON.stringify output except NEL/U+2028/U+2029
// and C1, which the full parser then handles. A text with any of them is never read here. Rather than searching the
// whole text up front (a tenth of the reading time), only what no stricter rule covers is searched: JSON tokens,
// other scalars and comments. Indentation must be spaces, and keys and plain words must be printable ASCII.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSUPPORTED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function rejectUnsupportedCharacters(token: string): void {
  if (UNSUPPORTED_CHARACTERS.test(token)) throw UNSUPPORTED;
}

/** Thrown (never escapes) when the text leaves the supported subset; one instance, as no stack is needed. */
const UNSUPPORTED = new Error("YAML outside the fast subset");

const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const DASH = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COLON = 58;
const BACKSLASH = 92;

/** `StreamReader.indent` when there is no current line: a "---" was reached, or the end of the text. */
const NO_LINE = -1;

/**
 * Reads a stream in one pass, one content line at a time (comments and blank lines skipped). The current line is held
 * in fields rather than in per-line arrays or strings: rendering is a hot path, and allocation (then GC) and
 * megamorphic property access were its largest costs.
 */
class StreamReader {
  /** Indentation of the current line, or NO_LINE. */
  private indent = NO_LINE;
  /** Offset of the current line's first character after the indentation. */
  private start = 0;
  /** Offset after the current line's last non-space character. */
  private end = 0;
  /** Where the next line begins. */
  private next = 0;
  /** Whether NO_LINE was reached at the end of the text rather than at a "---" line. */
  private atEnd = false;
  /** Where the value after the last key read starts (set by readKey, to avoid returning a pair per line). */
  private valueStart = 0;
  /** The first backslash at or after the last string read (Infinity: none), so that each is searched for once. */
  private nextBackslash = -1;
  /**
   * The keys of the mappings being read, innermost last, up to `keyCount`: a duplicate is found by comparing with the
   * few keys of the same mapping (usually the very strings of the key cache) instead of a megamorphic Object.hasOwn.
   */
  private readonly keys: string[] = [];
  private keyCount = 0;

  constructor(private readonly text: string) {}

  read(): unknown[] {
    const values: unknown[] = [];
    this.advance();
    for (;;) {
      if (this.indent !== NO_LINE) values.push(this.readDocument());
      if (this.atEnd) return values;
      this.advance();
    }
  }

  private readDocument(): unknown {
    if (this.indent !== 0) throw UNSUPPORTED;
    const value = this.readBlock(0);
    // Whatever follows a complete top-level block in the same document is outside the subset.
    if (!this.atDocumentEnd()) throw UNSUPPORTED;
    return value;
  }

  private atDocumentEnd(): boolean {
    return this.indent === NO_LINE;
  }

  /** Moves to the next content line; at a "---" line or the end of the text, `indent` becomes NO_LINE. */
  private advance(): void {
    const text = this.text;
    const length = text.length;
    let lineStart = this.next;
    while (lineStart <= length) {
      let lineEnd = text.indexOf("\n", lineStart);
      if (lineEnd === -1) lineEnd = length;
      let contentStart = lineStart;
      while (contentStart < lineEnd && text.charCodeAt(contentStart) === SPACE) contentStart++;
      if (contentStart < lineEnd && text.charCodeAt(contentStart) === HASH) {
        // Skipped, but a line break YAML sees inside it (a carriage return) would end it early.
        rejectUnsupportedCharacters(text.slice(contentStart, lineEnd));
      } else if (contentStart < lineEnd) {
        let contentEnd = lineEnd;
        while (text.charCodeAt(contentEnd - 1) === SPACE) contentEnd--;
        this.next = lineEnd + 1;
        const first = text.charCodeAt(lineStart);
        // A column-0 "---", "..." or "%" line: document markers and directives, of which only a bare "---" is handled.
        if (
          contentStart === lineStart &&
          (first === DASH || first === DOT || first === PERCENT) &&
          (first === PERCENT || text.startsWith("---", lineStart) || text.startsWith("...", lineStart))
        ) {
          if (contentEnd - lineStart !== 3 || first !== DASH) throw UNSUPPORTED;
          this.indent = NO_LINE;
          return;
        }
        this.indent = contentStart - lineStart;
        this.start = contentStart;
        this.end = contentEnd;
        return;
      }
      lineStart = lineEnd + 1;
    }
    this.next = lineStart;
    this.indent = NO_LINE;
    this.atEnd = true;
  }

  private readBlock(indent: number): unknown {
    return this.isSequenceItem() ? this.readSequence(indent) : this.readMapping(indent);
  }

  private isSequenceItem(): boolean {
    const start = this.start;
    return (
      this.text.charCodeAt(start) === DASH &&
      (start + 1 === this.end || this.text.charCodeAt(start + 1) === SPACE)
    );
  }

  private readMapping(indent: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    const keys = this.keys;
    const firstKey = this.keyCount;
    while (this.indent === indent && !this.isSequenceItem()) {
      const key = this.readKey();
      const valueStart = this.valueStart;
      const valueEnd = this.end;
      let value: unknown;
      if (valueStart === valueEnd) {
        this.advance();
        value = this.readNested(indent, true);
      } else {
        value = this.readInlineValue(valueStart, valueEnd);
        this.advance();
      }
      // Nested mappings have dropped their keys by now, so keys[firstKey, keyCount) are this mapping's.
      const keyCount = this.keyCount;
      if (keyCount - firstKey < 16) {
        for (let index = firstKey; index < keyCount; index++) if (keys[index] === key) throw UNSUPPORTED;
      } else if (Object.hasOwn(mapping, key)) throw UNSUPPORTED;
      keys[keyCount] = key;
      this.keyCount = keyCount + 1;
      if (key === "__proto__")
        Object.defineProperty(mapping, key, { value, enumerable: true, writable: true, configurable: true });
      else mapping[key] = value;
      this.rejectDeeperLine(indent);
    }
    this.keyCount = firstKey;
    return mapping;
  }

  private readSequence(indent: number): unknown[] {
    const sequence: unknown[] = [];
    const text = this.text;
    while (this.indent === indent && this.isSequenceItem()) {
      const start = this.start;
      if (start + 1 === this.end) {
        this.advance();
        sequence.push(this.readNested(indent, false));
      } else {
        let itemStart = start + 2;
        while (text.charCodeAt(itemStart) === SPACE) itemStart++;
        this.start = itemStart;
        if (this.isSequenceItem()) throw UNSUPPORTED;
        if (this.startsWithKey(itemStart)) {
          // A compact mapping ("- name: web"): its keys sit at the column of the first one.
          this.indent = indent + (itemStart - start);
          sequence.push(this.readMapping(this.indent));
        } else {
          sequence.push(this.readInlineValue(itemStart, this.end));
          this.advance();
        }
      }
      this.rejectDeeperLine(indent);
    }
    return sequence;
  }

  /** The value of "key:" or "-" with nothing after it: a deeper block, a same-column sequence, or null. */
  private readNested(parentIndent: number, allowSameColumnSequence: boolean): unknown {
    const indent = this.indent;
    if (indent === NO_LINE) return null;
    if (indent > parentIndent) return this.readBlock(indent);
    if (allowSameColumnSequence && indent === parentIndent && this.isSequenceItem()) {
      return this.readSequence(parentIndent);
    }
    return null;
  }

  /** A line indented deeper than its block after a complete entry is a continuation or an error in YAML. */
  private rejectDeeperLine(indent: number): void {
    if (this.indent > indent) throw UNSUPPORTED;
  }

  private readKey(): string {
    const text = this.text;
    const start = this.start;
    const end = this.end;
    let key: string;
    let colon: number;
    if (text.charCodeAt(start) === QUOTE) {
      colon = quotedKeyEnd(text, start, end);
      if (colon === -1) throw UNSUPPORTED;
      key = this.readJsonString(start, colon);
    } else {
      // A key seen before is known to be valid: finding its end with indexOf and comparing it with the cache scans it
      // once, where checking its characters and then looking it up would scan it twice.
      colon = text.indexOf(":", start);
      const known =
        colon > start && colon < end && (colon + 1 === end || text.charCodeAt(colon + 1) === SPACE)
          ? cachedKey(text, start, colon)
          : undefined;
      if (known === undefined) {
        colon = plainKeyEnd(text, start, end);
        if (colon === -1) throw UNSUPPORTED;
        key = internKey(text, start, colon);
      } else key = known;
    }
    let valueStart = colon + 1;
    while (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    this.valueStart = valueStart;
    return key;
  }

  private startsWithKey(start: number): boolean {
    const end = this.end;
    return (
      (this.text.charCodeAt(start) === QUOTE
        ? quotedKeyEnd(this.text, start, end)
        : plainKeyEnd(this.text, start, end)) !== -1
    );
  }

  /** A JSON string token; without escapes it is its own content, once checked for characters YAML treats apart. */
  private readJsonString(start: number, end: number): string {
    const text = this.text;
    const close = text.indexOf('"', start + 1);
    if (close === end - 1) {
      // Strings are read in text order, so the next backslash only needs searching for again once it is passed.
      if (this.nextBackslash < start) {
        const backslash = text.indexOf("\\", start);
        this.nextBackslash = backslash === -1 ? Infinity : backslash;
      }
      if (this.nextBackslash > close) {
        const content = text.slice(start + 1, close);
        rejectUnsupportedCharacters(content);
        return content;
      }
    }
    return readJson(text.slice(start, end)) as string;
  }

  /** An inline value: a JSON string, or what readPlainOrFlowValue reads. */
  private readInlineValue(start: number, end: number): unknown {
    const text = this.text;
    const first = text.charCodeAt(start);
    if (first === QUOTE) return this.readJsonString(start, end);
    return readPlainOrFlowValue(text, start, end);
  }
}

// Keys repeat across lines and renders ("name", "metadata"…). A fresh slice must be looked up in V8's string table
// on every property access, which profiling showed to be the single most expensive step of a render; reusing the
// string seen last time in the same slot makes the lookups cheap. Only keys that passed plainKeyEnd and read as
// strings are stored, so a hit is a valid key. Collisions cost a slice and a string table lookup on every render,
// hence a hash that tells minReplicas from maxReplicas (first, last and length alone do not) and room to spare.
const KEY_CACHE_SIZE = 4096;
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE_SIZE);

/** A hash of a few characters and the length: reading every character would cost as much as the comparison. */
function keySlot(text: string, start: number, end: number): number {
  const length = end - start;
  const hash =
    length * 31 +
    text.charCodeAt(start) * 7 +
    text.charCodeAt(length > 1 ? start + 1 : start) * 131 +
    text.charCodeAt(start + (length >> 1)) * 17 +
    text.charCodeAt(end - 1) * 1031;
  return (hash ^ (hash >>> 7)) & (KEY_CACHE_SIZE - 1);
}

/** The cached key equal to text[start, end), if any; compared by char codes, which beats startsWith for keys. */
function cachedKey(text: string, start: number, end: number): string | undefined {
  const cached = keyCache[keySlot(text, start, end)];
  const length = end - start;
  if (cached === undefined || cached.length !== length) return undefined;
  for (let index = 0; index < length; index++) {
    if (cached.charCodeAt(index) !== text.charCodeAt(start + index)) return undefined;
  }
  return cached;
}

/** The plain key text[start, end) that plainKeyEnd found, from the cache or checked and added to it. */
function internKey(text: string, start: number, end: number): string {
  const known = cachedKey(text, start, end);
  if (known !== undefined) return known;
  const fresh = text.slice(start, end);
  // Keys such as `1`, `true` or `null` resolve to other types in YAML, and their JS key would depend on conversion
  // rules. With the key characters allowed here, only a leading digit or a core schema word can do that.
  if (mayResolveToNonString(fresh) && typeof resolvePlainScalar(fresh) !== "string") throw UNSUPPORTED;
  const key = internalized(fresh);
  keyCache[keySlot(text, start, end)] = key;
  return key;
}

/**
 * The string table's own copy of a string. Using a fresh string as a property key turns it into a forwarding
 * ("thin") string, on which every later charCodeAt and property store pays an indirection; a property name read back
 * from an object is the table's string itself.
 */
function internalized(key: string): string {
  return Object.keys({ [key]: 0 })[0]!;
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
  if (first === DASH || first === DOT || first === SLASH) return -1;
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

/**
 * An inline value that is not a JSON string. The two kinds of plain scalar templates write most are resolved without
 * a cache lookup or a slice that is thrown away: a small decimal integer, and a word of key characters that starts
 * with a letter or "_" (a string, unless it is a core schema word).
 */
function readPlainOrFlowValue(text: string, start: number, end: number): unknown {
  const first = text.charCodeAt(start);
  if (first === 91 /* [ */ || first === 123 /* { */) return readJson(text.slice(start, end));
  if (first >= DIGIT_0 && first <= DIGIT_9) {
    // Up to 15 digits is exact in a double; a leading 0 is octal in YAML 1.1 terms and left to the general path.
    if (end - start <= 15 && (first !== DIGIT_0 || end - start === 1)) {
      let number = 0;
      let offset = start;
      for (; offset < end; offset++) {
        const code = text.charCodeAt(offset);
        if (code < DIGIT_0 || code > DIGIT_9) break;
        number = number * 10 + (code - DIGIT_0);
      }
      if (offset === end) return number;
    }
  } else if (first !== DASH && first !== DOT && first !== SLASH) {
    let offset = start;
    for (; offset < end; offset++) {
      const code = text.charCodeAt(offset);
      if (code >= 128 || PLAIN_KEY_CHARACTER[code] === 0) break;
    }
    if (offset === end) {
      const word = text.slice(start, end);
      if (!mayResolveToNonString(word)) return word;
      return resolvePlainScalar(word);
    }
  }
  return resolvePlainScalar(text.slice(start, end));
}

/** JSON is YAML's flow style, except that JSON.parse keeps the last of duplicate keys where YAML rejects them. */
function readJson(token: string): unknown {
  rejectUnsupportedCharacters(token);
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
  rejectUnsupportedCharacters(token);
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
