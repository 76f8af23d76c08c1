/**
 * The naming rules of Kubernetes' apimachinery `validation` package, with its messages.
 *
 * Each rule returns the problems with a value (empty when it is fine), like the Go `Is...` functions,
 * so callers can turn each into one issue. The regexes are the server's; the fast path is one regex
 * test and messages are only built for bad values.
 */
import { DNS_1035_LABEL, DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from "../names.js";

const QUALIFIED_NAME_PART = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** A name check: the problems with `value`, worded as the API server words them. */
export type NameRule = (value: string) => readonly string[];

/** Shared by every valid value, so the common case allocates nothing. */
const NO_PROBLEMS: readonly string[] = Object.freeze([]);

function tooLong(max: number): string {
  return `must be no more than ${max} characters`;
}

function regexMessage(what: string, regex: string, examples: readonly string[]): string {
  const e = examples.map((example) => `'${example}'`).join(",  or ");
  return `${what} (e.g. ${e}, regex used for validation is '${regex}')`;
}

const DNS1123_LABEL_MESSAGE = regexMessage(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  "[a-z0-9]([-a-z0-9]*[a-z0-9])?",
  ["my-name", "123-abc"],
);
const DNS1123_SUBDOMAIN_MESSAGE = regexMessage(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
  ["example.com"],
);
const DNS1035_LABEL_MESSAGE = regexMessage(
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  "[a-z]([-a-z0-9]*[a-z0-9])?",
  ["my-name", "abc-123"],
);
const QUALIFIED_NAME_MESSAGE = regexMessage(
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]",
  ["MyName", "my.name", "123-abc"],
);
const LABEL_VALUE_MESSAGE = regexMessage(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
  ["MyValue", "my_value", "12345"],
);

function byRegex(regex: RegExp, max: number, message: string): NameRule {
  return (value) => {
    if (value.length <= max && regex.test(value)) return NO_PROBLEMS;
    const problems: string[] = [];
    if (value.length > max) problems.push(tooLong(max));
    if (!regex.test(value)) problems.push(message);
    return problems;
  };
}

/** RFC 1123 label (≤ 63): Namespace names, container names, `metadata.namespace`. */
export const dns1123Label: NameRule = byRegex(DNS_1123_LABEL, 63, DNS1123_LABEL_MESSAGE);
/** RFC 1123 subdomain (≤ 253): the name of most kinds. */
export const dns1123Subdomain: NameRule = byRegex(DNS_1123_SUBDOMAIN, 253, DNS1123_SUBDOMAIN_MESSAGE);
/** RFC 1035 label (≤ 63, starts with a letter): Service names, since they become DNS names and env vars. */
export const dns1035Label: NameRule = byRegex(DNS_1035_LABEL, 63, DNS1035_LABEL_MESSAGE);

/** A path segment (RBAC names): anything but `.`, `..`, `/` and `%`. */
export const pathSegmentName: NameRule = (value) => {
  if (value === "." || value === "..") return [`may not be '${value}'`];
  const problems: string[] = [];
  for (const forbidden of ["/", "%"]) {
    if (value.includes(forbidden)) problems.push(`may not contain '${forbidden}'`);
  }
  return problems;
};

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain ≤ 253, name ≤ 63. */
export const qualifiedName: NameRule = (value) => {
  const slash = value.indexOf("/");
  const name = value.slice(slash + 1);
  const nameIsValid = name.length <= 63 && QUALIFIED_NAME_PART.test(name);
  if (slash === -1 && nameIsValid) return NO_PROBLEMS;
  if (slash !== -1 && nameIsValid && slash === value.lastIndexOf("/") && slash <= 253) {
    if (DNS_1123_SUBDOMAIN.test(value.slice(0, slash))) return NO_PROBLEMS;
  }
  return qualifiedNameProblems(value);
};

function qualifiedNameProblems(value: string): string[] {
  const parts = value.split("/");
  const problems: string[] = [];
  const name = parts.length === 2 ? parts[1]! : value;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === "") problems.push("prefix part must be non-empty");
    else for (const problem of dns1123Subdomain(prefix)) problems.push(`prefix part ${problem}`);
  }
  if (name === "") problems.push("name part must be non-empty");
  else {
    if (name.length > 63) problems.push(`name part ${tooLong(63)}`);
    if (!QUALIFIED_NAME_PART.test(name)) problems.push(QUALIFIED_NAME_MESSAGE);
  }
  return problems;
}

/** Label values: ≤ 63, may be empty. */
export const labelValue: NameRule = byRegex(LABEL_VALUE, 63, LABEL_VALUE_MESSAGE);

/** IANA_SVC_NAME (≤ 15): container port names and named `targetPort`s. */
export const ianaServiceName: NameRule = (value) => {
  const problems: string[] = [];
  if (value.length > 15) problems.push(tooLong(15));
  if (!IANA_SVC_NAME.test(value))
    problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (value.includes("--")) problems.push("must not contain consecutive hyphens");
  if (!/[a-z]/.test(value)) problems.push("must contain at least one letter (a-z)");
  if (value.startsWith("-") || value.endsWith("-")) problems.push("must not begin or end with a hyphen");
  return problems;
};

/**
 * Environment variable names, as of Kubernetes 1.34+: any printable ASCII except `=`, not empty.
 *
 * RelaxedEnvironmentVariableValidation (KEP-4369) went alpha in 1.30, beta in 1.32 and GA (locked on)
 * in 1.34, so a 1.35 server no longer applies the old C-identifier rule.
 */
export const envVarName: NameRule = (value) => {
  if (value.length === 0) return ["a valid environment variable name must not be empty"];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 32 || code > 126 || code === 61) {
      return [
        "a valid environment variable name must consist only of printable ASCII characters other than '='",
      ];
    }
  }
  return NO_PROBLEMS;
};

/** ConfigMap and Secret keys (≤ 253): also file names when mounted, so no `.`, `..` or `..`-prefix. */
export const configMapKey: NameRule = (value) => {
  const problems: string[] = [];
  if (value.length > 253) problems.push(tooLong(253));
  if (!CONFIG_MAP_KEY.test(value)) {
    problems.push(
      regexMessage(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        "[-._a-zA-Z0-9]+",
        ["key.name", "KEY_NAME", "key-name"],
      ),
    );
  }
  if (value === "." || value === "..") problems.push(`must not be '${value}'`);
  else if (value.startsWith("..")) problems.push("must not start with '..'");
  return problems;
};
