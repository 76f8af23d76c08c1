import { describe, expect, it } from "vitest";
import { looksSecret, markSecrets, mergeEnv, parseEnvBlock } from "../../src/lib/env-file.js";

describe("parseEnvBlock", () => {
  it("reads KEY=value lines, skipping comments and blank lines, with or without export", () => {
    const { vars, problems } = parseEnvBlock(
      [
        "# database",
        "DATABASE_HOST=db.internal",
        "",
        "   ",
        "export LOG_LEVEL=debug",
        "export   WORKERS = 4 ",
        "  # indented comment",
        "EMPTY=",
      ].join("\n"),
    );
    expect(problems).toEqual([]);
    expect(vars).toEqual([
      { name: "DATABASE_HOST", value: "db.internal" },
      { name: "LOG_LEVEL", value: "debug" },
      { name: "WORKERS", value: "4" },
      { name: "EMPTY", value: "" },
    ]);
  });

  it("keeps = and # inside quoted values, and reads escapes only in double quotes", () => {
    const { vars, problems } = parseEnvBlock(
      [
        `DATABASE_URL="postgres://u:p@db/app?sslmode=require#primary"`,
        `GREETING='hello # not a comment = still the value'`,
        `ESCAPED="line one\\nline \\"two\\""`,
        `LITERAL='no \\n escape here'`,
        `TRAILING="value" # a comment after the quotes`,
        `UNQUOTED=a#b # the second # starts a comment`,
        `EQUALS=a=b=c`,
      ].join("\r\n"),
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(vars.map((variable) => [variable.name, variable.value]))).toEqual({
      DATABASE_URL: "postgres://u:p@db/app?sslmode=require#primary",
      GREETING: "hello # not a comment = still the value",
      ESCAPED: 'line one\nline "two"',
      LITERAL: "no \\n escape here",
      TRAILING: "value",
      UNQUOTED: "a#b",
      EQUALS: "a=b=c",
    });
  });

  it("reads a quoted value over several lines", () => {
    const { vars, problems } = parseEnvBlock('KEY="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nNEXT=1');
    expect(problems).toEqual([]);
    expect(vars).toEqual([
      { name: "KEY", value: "-----BEGIN KEY-----\nabc\n-----END KEY-----" },
      { name: "NEXT", value: "1" },
    ]);
  });

  it("reports each bad line by its number, and keeps the good ones", () => {
    const { vars, problems } = parseEnvBlock(
      [
        "GOOD=1", // 1
        "1BAD=2", // 2
        "", // 3
        "no equals sign here", // 4
        "has space=3", // 5
        "=nameless", // 6
        'BROKEN="never closed', // 7
        "ALSO_GOOD=4", // 8
      ].join("\n"),
    );
    expect(problems).toEqual([
      {
        line: 2,
        message: `"1BAD" is not a valid variable name: use letters, digits, '_', '.' and '-', not starting with a digit`,
      },
      { line: 4, message: 'expected NAME=value, found "no equals sign here"' },
      {
        line: 5,
        message: `"has space" is not a valid variable name: use letters, digits, '_', '.' and '-', not starting with a digit`,
      },
      { line: 6, message: "the variable has no name before '='" },
      { line: 7, message: "the value's opening \" is never closed" },
    ]);
    // The unclosed quote swallowed the lines after it: only what came before is kept.
    expect(vars).toEqual([{ name: "GOOD", value: "1" }]);
  });

  it("refuses text after a closing quote, and lets a repeated name keep its last value", () => {
    const { vars, problems } = parseEnvBlock('A="x" y\nB=1\nB=2');
    expect(problems).toEqual([
      { line: 1, message: `unexpected "y" after the closing ": quote the whole value` },
    ]);
    expect(vars).toEqual([{ name: "B", value: "2" }]);
  });
});

describe("mergeEnv", () => {
  it("replaces values of names already there, appends new names, and drops empty rows", () => {
    expect(
      mergeEnv(
        [
          { name: "A", value: "1" },
          { name: "", value: "" },
          { name: "B", value: "2" },
        ],
        [
          { name: "B", value: "two" },
          { name: "C", value: "3" },
        ],
      ),
    ).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "two" },
      { name: "C", value: "3" },
    ]);
  });
});

describe("marking pasted lines as secrets", () => {
  const pasted = parseEnvBlock(
    "DB_PASSWORD=hunter2\nLOG_LEVEL=info\nstripe_api_key=sk_1\nSESSION_SECRET=s",
  ).vars;

  it("marks names that look like secrets, or every line when asked", () => {
    expect(markSecrets(pasted, false)).toEqual([
      { name: "DB_PASSWORD", value: "hunter2", secret: true },
      { name: "LOG_LEVEL", value: "info" },
      { name: "stripe_api_key", value: "sk_1", secret: true },
      { name: "SESSION_SECRET", value: "s", secret: true },
    ]);
    expect(markSecrets(pasted, true).every((variable) => variable.secret === true)).toBe(true);
    expect(looksSecret("TOKEN_URL")).toBe(true);
    expect(looksSecret("PORT")).toBe(false);
  });

  it("keeps a secret secret when a paste gives it a new value", () => {
    expect(
      mergeEnv(
        [
          { name: "DB_PASSWORD", value: "", secret: true },
          { name: "MODE", value: "a" },
        ],
        [
          { name: "DB_PASSWORD", value: "new" },
          { name: "MODE", value: "b", secret: true },
        ],
      ),
    ).toEqual([
      { name: "DB_PASSWORD", value: "new", secret: true },
      { name: "MODE", value: "b", secret: true },
    ]);
  });
});
