// Environment variables pasted as a `.env` block: what people copy from a project's .env file or a README. The
// syntax is dotenv's: `KEY=value`, `export KEY=value`, `#` comments, blank lines, 'single' (literal) and "double"
// (with \n, \" and \\ escapes) quoted values that may span lines and hold `=` and `#`.

export interface EnvVar {
  name: string;
  /** For a secret: empty keeps the value the server holds (it is never read back); text replaces it on save. */
  value: string;
  /** Kept sealed by the server and given to the pods from a Kubernetes Secret, never shown again. */
  secret?: boolean;
  /** A secret read from an existing Kubernetes Secret of the namespace instead of a value BabyHelm keeps. */
  reference?: { secret: string; key: string };
}

export interface EnvProblem {
  /** 1-based line of the paste where the problem starts. */
  line: number;
  message: string;
}

/** The rule of both packs (default@2 `env`, classic@1 `envs`): Kubernetes' C_IDENTIFIER, relaxed as the kubelet is. */
export const ENV_NAME_PATTERN = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export const ENV_NAME_RULE = "letters, digits, '_', '.' and '-', not starting with a digit";

/**
 * Reads a `.env` block. Each good line gives a variable (a name given twice keeps its last value, as dotenv does);
 * each bad one a problem naming its line, so that nothing is dropped without saying so.
 */
export function parseEnvBlock(
  text: string,
  namePattern: RegExp = ENV_NAME_PATTERN,
): { vars: EnvVar[]; problems: EnvProblem[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const byName = new Map<string, string>();
  const problems: EnvProblem[] = [];
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const assignment = line.replace(/^export\s+/, "");
    const equals = assignment.indexOf("=");
    if (equals === -1) {
      problems.push({ line: lineNumber, message: `expected NAME=value, found "${shorten(line)}"` });
      continue;
    }
    const name = assignment.slice(0, equals).trim();
    const rest = assignment.slice(equals + 1).trimStart();
    const read = readValue(rest, lines, index);
    index = read.lastIndex;
    if (read.error !== undefined) {
      problems.push({ line: lineNumber, message: read.error });
      continue;
    }
    if (name === "") {
      problems.push({ line: lineNumber, message: "the variable has no name before '='" });
      continue;
    }
    if (!namePattern.test(name)) {
      problems.push({
        line: lineNumber,
        message: `"${shorten(name)}" is not a valid variable name: use ${ENV_NAME_RULE}`,
      });
      continue;
    }
    // Re-inserting moves a repeated name to where its last value was given.
    byName.delete(name);
    byName.set(name, read.value);
  }
  return { vars: [...byName].map(([name, value]) => ({ name, value })), problems };
}

interface ReadValue {
  value: string;
  /** The index of the last line the value used (quoted values may span lines). */
  lastIndex: number;
  error?: string;
}

function readValue(rest: string, lines: readonly string[], index: number): ReadValue {
  const quote = rest[0];
  if (quote !== '"' && quote !== "'") {
    // Unquoted: a `#` after whitespace starts a comment; one inside a word (`a#b`) is part of the value.
    const comment = rest.search(/\s#/);
    return { value: (comment === -1 ? rest : rest.slice(0, comment)).trimEnd(), lastIndex: index };
  }
  let text = rest.slice(1);
  let lastIndex = index;
  for (;;) {
    const close = closingQuote(text, quote);
    if (close !== -1) {
      const after = text.slice(close + 1).trim();
      if (after !== "" && !after.startsWith("#")) {
        return {
          value: "",
          lastIndex,
          error: `unexpected "${shorten(after)}" after the closing ${quote}: quote the whole value`,
        };
      }
      const raw = text.slice(0, close);
      return { value: quote === '"' ? unescapeDouble(raw) : raw, lastIndex };
    }
    if (lastIndex + 1 >= lines.length) {
      return { value: "", lastIndex, error: `the value's opening ${quote} is never closed` };
    }
    lastIndex++;
    text += `\n${lines[lastIndex]}`;
  }
}

/** Where the quote that ends the value is: in double quotes a backslash escapes the next character. */
function closingQuote(text: string, quote: string): number {
  for (let position = 0; position < text.length; position++) {
    const character = text[position];
    if (quote === '"' && character === "\\") position++;
    else if (character === quote) return position;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\(.)/gs, (_match, next: string) =>
    next === "n" ? "\n" : next === "r" ? "\r" : next === "t" ? "\t" : next,
  );
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** Names people give secrets (`DB_PASSWORD`, `STRIPE_API_KEY`, `SESSION_SECRET`…): a paste marks them secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Pasted variables marked as secrets: all of them when the person asked for that, else those whose names look like
 * secrets (each row's switch can still turn one back into a plain variable before saving).
 */
export function markSecrets(vars: readonly EnvVar[], all: boolean): EnvVar[] {
  return vars.map((variable) =>
    all || looksSecret(variable.name) ? { ...variable, secret: true } : variable,
  );
}

/**
 * Adds pasted variables to a list: a name already there takes the pasted value where it stands (a secret staying
 * one), new names go at the end, and empty rows (an untouched "add variable") make way.
 */
export function mergeEnv(current: readonly EnvVar[], pasted: readonly EnvVar[]): EnvVar[] {
  const incoming = new Map(pasted.map((variable) => [variable.name, variable]));
  const merged = current
    .filter((variable) => variable.name !== "" || variable.value !== "")
    .map((variable) => {
      const pastedVar = incoming.get(variable.name);
      if (pastedVar === undefined) return variable;
      // A paste never turns a secret plain: its new value would be shown to everyone and kept in every revision.
      return variable.secret === true
        ? { name: pastedVar.name, value: pastedVar.value, secret: true }
        : pastedVar;
    });
  const present = new Set(merged.map((variable) => variable.name));
  return [...merged, ...pasted.filter((variable) => !present.has(variable.name))];
}

/** The names whose value a paste would replace (same name, another value): said before the paste applies. */
export function overwrittenNames(current: readonly EnvVar[], pasted: readonly EnvVar[]): string[] {
  const before = new Map(current.map((variable) => [variable.name, variable.value]));
  const names = pasted
    .filter((variable) => before.has(variable.name) && before.get(variable.name) !== variable.value)
    .map((variable) => variable.name);
  return [...new Set(names)];
}
