// Where `babyhelm login` keeps the server's address and the API token: the user's config directory, readable by
// the user alone (the token acts as them).
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CommandError } from "./usage.js";

export interface Credentials {
  url: string;
  token: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `%APPDATA%\babyhelm` on Windows, else `$XDG_CONFIG_HOME/babyhelm` or `~/.config/babyhelm`. */
export function credentialsPath(env: Env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const base =
    platform === "win32"
      ? (env.APPDATA ?? join(home, "AppData", "Roaming"))
      : env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ""
        ? env.XDG_CONFIG_HOME
        : join(home, ".config");
  return join(base, "babyhelm", "credentials.json");
}

export async function readCredentials(path: string): Promise<Partial<Credentials> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<Credentials>;
    return { url: stringOr(value.url), token: stringOr(value.token) };
  } catch {
    throw new CommandError(`${path} is not valid JSON: run babyhelm login again`);
  }
}

/** Written to a file of mode 0600 in a directory of mode 0700, then renamed, so no reader sees half of it. */
export async function writeCredentials(path: string, credentials: Credentials): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile is masked by the umask; chmod is not.
  await chmod(partial, 0o600);
  await rename(partial, path);
}

/** Whether there was a file to remove. */
export async function removeCredentials(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
