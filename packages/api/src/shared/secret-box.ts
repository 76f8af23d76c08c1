// Secrets the server must read back (a project's webhook URL, a bot token) are stored sealed with AES-256-GCM, so
// that a database dump or backup does not hand them out. The key comes from BABYHELM_SECRET_KEY, or from a file made
// on first use in the data directory (enough for one server; replicas must share BABYHELM_SECRET_KEY).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What every sealed value starts with; values without it were stored before sealing existed. */
export const SEALED_PREFIX = "bh1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that this server's key does not open: another key sealed it, or it was altered. */
export class SecretKeyMismatch extends Error {
  override readonly name = "SecretKeyMismatch";
  constructor() {
    super(
      "A stored secret cannot be opened with this server's key: it was saved by a server with another BABYHELM_SECRET_KEY (set the same value on every server) or set it again.",
    );
  }
}

export interface SecretBox {
  /** Where the key comes from, for the start-up log (never the key). */
  readonly keySource: string;
  seal(plain: string): string;
  /** Opens a sealed value; a value stored before sealing existed is returned as it is. */
  open(stored: string): string;
  /**
   * The first 8 hex chars of an HMAC-SHA256 of `value` under a key derived from this server's key: equal values
   * give equal fingerprints, and without the key a fingerprint tells nothing of the value.
   */
  fingerprint(value: string): string;
}

/** `secretKey` (BABYHELM_SECRET_KEY) when set; otherwise `<dataDir>/secret-key`, read or made when first needed. */
export function createSecretBox(options: { secretKey: string | undefined; dataDir: string }): SecretBox {
  const keyFile = join(options.dataDir, "secret-key");
  let key: Buffer | undefined = options.secretKey === undefined ? undefined : deriveKey(options.secretKey);
  const currentKey = () => (key ??= deriveKey(readOrCreateKeyFile(keyFile)));
  let fingerprintKey: Buffer | undefined;
  // A key of its own, so that no fingerprint is ever computed with the sealing key itself.
  const currentFingerprintKey = () =>
    (fingerprintKey ??= createHmac("sha256", currentKey()).update("babyhelm-fingerprint").digest());
  return {
    keySource: options.secretKey === undefined ? keyFile : "BABYHELM_SECRET_KEY",
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey(), iv);
      const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url");
    },
    open(stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      const bytes = Buffer.from(stored.slice(SEALED_PREFIX.length), "base64url");
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretKeyMismatch();
      const decipher = createDecipheriv("aes-256-gcm", currentKey(), bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new SecretKeyMismatch();
      }
    },
    fingerprint(value) {
      return createHmac("sha256", currentFingerprintKey()).update(value, "utf8").digest("hex").slice(0, 8);
    },
  };
}

/** Any string of enough entropy becomes a 256-bit key. */
function deriveKey(secret: string): Buffer {
  return createHash("sha256").update(`babyhelm-secret-box:${secret}`).digest();
}

function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written whole under another name, then linked into place: of two servers starting at once, one key wins and
  // neither reads a half-written file.
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(draft);
  }
  return readFileSync(path, "utf8").trim();
}
