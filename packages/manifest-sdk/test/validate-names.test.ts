import { describe, expect, it } from "vitest";
import {
  configMapKey,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  envVarName,
  ianaServiceName,
  labelValue,
  pathSegmentName,
  qualifiedName,
  type NameRule,
} from "../src/validate/name-rules.js";

function accepts(rule: NameRule, values: string[]) {
  for (const value of values) expect(rule(value), JSON.stringify(value)).toEqual([]);
}

function rejects(rule: NameRule, values: string[]) {
  for (const value of values) expect(rule(value), JSON.stringify(value)).not.toEqual([]);
}

describe("name rules", () => {
  it("DNS-1123 label: lowercase alphanumerics and '-', ≤ 63", () => {
    accepts(dns1123Label, ["web", "1st", "a-b", "a".repeat(63)]);
    rejects(dns1123Label, ["", "Web", "web_app", "-web", "web-", "a.b", "a".repeat(64)]);
    expect(dns1123Label("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
  });

  it("DNS-1123 subdomain: dot-separated labels, ≤ 253", () => {
    accepts(dns1123Subdomain, ["web", "web.example.com", "1-2.3", `${"a".repeat(63)}.${"b".repeat(63)}`]);
    rejects(dns1123Subdomain, ["Web_App", "web..app", ".web", "web.", "a".repeat(254)]);
  });

  it("DNS-1035 label: starts with a letter", () => {
    accepts(dns1035Label, ["web", "web-1"]);
    rejects(dns1035Label, ["1web", "web.app", "Web", ""]);
  });

  it("path segment names (RBAC)", () => {
    accepts(pathSegmentName, ["system:controller:foo", "Admin"]);
    rejects(pathSegmentName, [".", "..", "a/b", "100%"]);
  });

  it("qualified names: optional DNS subdomain prefix and a ≤ 63 name part", () => {
    accepts(qualifiedName, [
      "app",
      "App_Name.1",
      "app.kubernetes.io/name",
      `${"a".repeat(253)}/x`,
      "x/" + "N".repeat(63),
    ]);
    rejects(qualifiedName, [
      "",
      "/x",
      "x/",
      "a/b/c",
      "Example.com/x",
      "-app",
      "app_",
      "n".repeat(64),
      `${"a".repeat(254)}/x`,
    ]);
    expect(qualifiedName("/x")).toEqual(["prefix part must be non-empty"]);
  });

  it("label values: may be empty, ≤ 63", () => {
    accepts(labelValue, ["", "v1.2_3-x", "A".repeat(63)]);
    rejects(labelValue, ["v 1", "-v", "v.", "a".repeat(64), "1.0+build"]);
  });

  it("IANA service names: ≤ 15, lowercase, a letter, no '--' or edge '-'", () => {
    accepts(ianaServiceName, ["http", "h2c", "grpc-web", "a".repeat(15)]);
    rejects(ianaServiceName, ["8080", "HTTP", "a--b", "-http", "http-", "a".repeat(16), "http_alt"]);
  });

  it("env var names: any printable ASCII except '=', not empty", () => {
    accepts(envVarName, ["PATH", "1st", "my.var-name", "a:b", " ", "~!@#$%^&*()"]);
    rejects(envVarName, ["", "A=B", "TAB\t", "é", "\u007f"]);
  });

  it("ConfigMap keys", () => {
    accepts(configMapKey, ["app.properties", "KEY_NAME", ".hidden", "a..b"]);
    rejects(configMapKey, [".", "..", "..data", "a/b", "a b", "k".repeat(254)]);
  });
});
