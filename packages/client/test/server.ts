// The client's tests run against a whole server (see @babyhelm/server/testing).
import { createBabyhelmClient, type BabyhelmClient } from "../src/index.js";

export { type TestServer, startTestServer } from "@babyhelm/server/testing";

/** A client signed in as a newly registered `email`, by a session token. */
export async function registeredClient(url: string, email: string): Promise<BabyhelmClient> {
  const anonymous = createBabyhelmClient({ url });
  const { token } = await anonymous.auth.register.mutate({
    email,
    password: "a long and unusual passphrase",
    mode: "token",
  });
  return createBabyhelmClient({ url, token: token! });
}
