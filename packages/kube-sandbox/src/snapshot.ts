// Persistence for `dataDir`: the whole store as one JSON file, written atomically (temp file + rename) a moment
// after changes settle and on stop, and read back at start, so a restarted sandbox still has its objects.
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MemoryObjectStore, StoreSnapshot } from "./store/object-store.js";
import type { TlsMaterial } from "./tls.js";

const STATE_FILE = "sandbox-state.json";
const CREDENTIALS_FILE = "credentials.json";

export async function loadSnapshot(dataDir: string): Promise<StoreSnapshot | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, STATE_FILE), "utf8")) as StoreSnapshot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read the sandbox state in ${dataDir}: ${(error as Error).message}`);
  }
}

/** The state holds the sandbox's token, TLS key and every Secret applied to it: files and folder are the owner's. */
async function ownerOnlyDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, path);
}

export interface Credentials {
  token: string;
  tls?: TlsMaterial;
}

/**
 * The token (and TLS material) of a data directory, so that kubeconfigs written before a restart keep working.
 * `complete` fills in whatever is missing or no longer usable.
 */
export async function loadOrCreateCredentials(
  dataDir: string,
  complete: (stored: Partial<Credentials>) => Credentials,
): Promise<Credentials> {
  await ownerOnlyDir(dataDir);
  const path = join(dataDir, CREDENTIALS_FILE);
  let stored: Partial<Credentials> = {};
  try {
    stored = JSON.parse(await readFile(path, "utf8")) as Partial<Credentials>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const credentials = complete(stored);
  if (JSON.stringify(credentials) !== JSON.stringify(stored)) {
    await writeAtomically(path, JSON.stringify(credentials));
  }
  return credentials;
}

export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: MemoryObjectStore,
    private readonly dataDir: string,
    private readonly debounceMs = 100,
  ) {
    this.unsubscribe = store.observe(() => {
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.debounceMs);
  }

  /** Writes are chained so that an older snapshot can never overwrite a newer one. */
  private write(): Promise<void> {
    const content = JSON.stringify(this.store.snapshot());
    this.writing = this.writing
      .then(async () => {
        await ownerOnlyDir(this.dataDir);
        await writeAtomically(join(this.dataDir, STATE_FILE), content);
      })
      .catch((error: unknown) => {
        console.error(`kube-sandbox: cannot save state to ${this.dataDir}: ${(error as Error).message}`);
      });
    return this.writing;
  }

  /** Stops listening and writes the final state. */
  async close(): Promise<void> {
    this.unsubscribe();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }
}
