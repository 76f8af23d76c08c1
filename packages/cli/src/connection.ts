import { createBabyhelmClient, type BabyhelmClient } from "@babyhelm/client";
import { credentialsPath, readCredentials } from "./credentials.js";
import type { BabyhelmIo } from "./io.js";
import { CommandError } from "./usage.js";

export interface Connection {
  url: string;
  client: BabyhelmClient;
}

/** The server and token: BABYHELM_URL and BABYHELM_TOKEN when set, else what `babyhelm login` stored. */
export async function connect(io: BabyhelmIo): Promise<Connection> {
  const env = io.env;
  const fromEnv = { url: nonEmpty(env.BABYHELM_URL), token: nonEmpty(env.BABYHELM_TOKEN) };
  const stored =
    fromEnv.url !== undefined && fromEnv.token !== undefined
      ? undefined
      : await readCredentials(credentialsPath(env));
  const url = fromEnv.url ?? stored?.url;
  const token = fromEnv.token ?? stored?.token;
  if (url === undefined || token === undefined) {
    throw new CommandError(
      "Not signed in: run `babyhelm login --url URL` (it asks for an API token), or set BABYHELM_URL and BABYHELM_TOKEN.",
    );
  }
  return { url, client: createBabyhelmClient({ url, token }) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
