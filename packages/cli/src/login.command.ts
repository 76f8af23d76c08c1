// `babyhelm login` / `logout`: the server and API token the other commands use when BABYHELM_URL/TOKEN are unset.
import { createBabyhelmClient } from "@babyhelm/client";
import { credentialsPath, removeCredentials, writeCredentials } from "./credentials.js";
import { EXIT, type BabyhelmIo } from "./io.js";
import { CommandError, parseCommand, requireOption, UsageError } from "./usage.js";

export const LOGIN_HELP = `Usage: babyhelm login --url URL [--token TOKEN]
       babyhelm logout

login checks the API token (create one on the dashboard's Account page) against the server, then stores both in
your config directory ($XDG_CONFIG_HOME/babyhelm or ~/.config/babyhelm; %APPDATA%\\babyhelm on Windows) in a file
only you can read. Without --token it reads the token from stdin, which keeps it out of your shell history:
  babyhelm login --url https://babyhelm.example.com < token.txt
BABYHELM_URL and BABYHELM_TOKEN, when set, are used instead of the stored ones. logout removes the file.`;

export async function loginCommand(args: string[], io: BabyhelmIo): Promise<number> {
  const { values, positionals } = parseCommand("login", args, {
    url: { type: "string" },
    token: { type: "string" },
  });
  if (values.help === true) {
    io.stdout(`${LOGIN_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`, "login");
  const url = requireOption(values.url, "--url URL", "login").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(url))
    throw new UsageError(`--url must be the server's http:// or https:// address, not "${url}"`, "login");
  const token = (values.token ?? (await io.readStdin())).trim();
  if (token === "") throw new UsageError("no token: pass --token TOKEN or give it on stdin", "login");
  const me = await createBabyhelmClient({ url, token }).auth.me.query();
  if (me === null)
    throw new CommandError(`${url} does not accept this token: create one on the Account page.`);
  const path = credentialsPath(io.env);
  await writeCredentials(path, { url, token });
  io.stdout(`Signed in to ${url} as ${me.email} (stored in ${path})\n`);
  return EXIT.ok;
}

export async function logoutCommand(args: string[], io: BabyhelmIo): Promise<number> {
  const { values, positionals } = parseCommand("logout", args, {});
  if (values.help === true) {
    io.stdout(`${LOGIN_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`, "logout");
  const path = credentialsPath(io.env);
  io.stdout(
    (await removeCredentials(path)) ? `Signed out (removed ${path})\n` : "Not signed in: nothing to remove\n",
  );
  return EXIT.ok;
}
