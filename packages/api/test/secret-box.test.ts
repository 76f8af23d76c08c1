// Stored secrets (alert targets) are sealed with the server's key: unreadable without it, tamper-evident, and a
// server with another key says what to do rather than sending garbage.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSecretBox, SecretKeyMismatch } from "../src/shared/secret-box.js";

const SECRET = "https://hooks.slack.com/services/T0001/B0002/xoxSecretWebhookPath42";
const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "babyhelm-secret-box-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("createSecretBox", () => {
  it("seals so that the value is not readable and opens it again, differently every time", () => {
    const box = createSecretBox({ secretKey: "k".repeat(32), dataDir: freshDir() });
    const first = box.seal(SECRET);
    const second = box.seal(SECRET);
    expect(first).toMatch(/^bh1:[\w-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("xoxSecret");
    expect(box.open(first)).toBe(SECRET);
    expect(box.open(second)).toBe(SECRET);
    expect(box.keySource).toBe("BABYHELM_SECRET_KEY");
  });

  it("refuses a value sealed with another key, or altered", () => {
    const sealed = createSecretBox({ secretKey: "a".repeat(32), dataDir: freshDir() }).seal(SECRET);
    const other = createSecretBox({ secretKey: "b".repeat(32), dataDir: freshDir() });
    expect(() => other.open(sealed)).toThrow(SecretKeyMismatch);
    expect(() => other.open(sealed)).toThrow(/BABYHELM_SECRET_KEY/);
    const same = createSecretBox({ secretKey: "a".repeat(32), dataDir: freshDir() });
    const flipped = sealed.slice(0, -2) + (sealed.endsWith("A") ? "B" : "A") + sealed.slice(-1);
    expect(() => same.open(flipped)).toThrow(SecretKeyMismatch);
    expect(() => same.open("bh1:abc")).toThrow(SecretKeyMismatch);
  });

  it("fingerprints a value as 8 hex chars: equal for equal values, keyed by the server key", () => {
    const box = createSecretBox({ secretKey: "k".repeat(32), dataDir: freshDir() });
    const other = createSecretBox({ secretKey: "o".repeat(32), dataDir: freshDir() });
    expect(box.fingerprint(SECRET)).toMatch(/^[0-9a-f]{8}$/);
    expect(box.fingerprint(SECRET)).toBe(box.fingerprint(SECRET));
    expect(box.fingerprint(`${SECRET}!`)).not.toBe(box.fingerprint(SECRET));
    expect(other.fingerprint(SECRET)).not.toBe(box.fingerprint(SECRET));
  });

  it("reads values stored before sealing existed as they are", () => {
    const box = createSecretBox({ secretKey: "k".repeat(32), dataDir: freshDir() });
    expect(box.open(SECRET)).toBe(SECRET);
  });

  it("without BABYHELM_SECRET_KEY, makes a private key file when first needed and keeps using it", () => {
    const dataDir = join(freshDir(), "data");
    const box = createSecretBox({ secretKey: undefined, dataDir });
    expect(box.keySource).toBe(join(dataDir, "secret-key"));
    expect(() => statSync(join(dataDir, "secret-key"))).toThrow(/ENOENT/);
    const sealed = box.seal(SECRET);
    const file = statSync(join(dataDir, "secret-key"));
    expect(file.mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dataDir, "secret-key"), "utf8").trim()).toMatch(/^[\w-]{43}$/);
    // Its content, given as BABYHELM_SECRET_KEY (to every replica), opens what it sealed.
    const content = readFileSync(join(dataDir, "secret-key"), "utf8").trim();
    expect(createSecretBox({ secretKey: content, dataDir: freshDir() }).open(sealed)).toBe(SECRET);
    // A restarted server reads the same file.
    expect(createSecretBox({ secretKey: undefined, dataDir }).open(sealed)).toBe(SECRET);
    // Two servers starting on one data directory agree on one key.
    const shared = join(freshDir(), "data");
    const [a, b] = [
      createSecretBox({ secretKey: undefined, dataDir: shared }),
      createSecretBox({ secretKey: undefined, dataDir: shared }),
    ];
    expect(b.open(a.seal(SECRET))).toBe(SECRET);
  });
});
