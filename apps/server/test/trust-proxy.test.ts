// TRUST_PROXY from the environment, and what it changes from outside: which address the per-address limits count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@babyhelm/db";
import { ConfigError, loadConfig } from "../src/config.js";
import {
  errorOf,
  makeClient,
  startHarness,
  TEST_PASSWORD,
  uniqueName,
  type Harness,
} from "./support/harness.js";

describe("TRUST_PROXY in the configuration", () => {
  it("reads a hop count, a proxy list, and off by default", () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: "none" });
    expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).toEqual({ kind: "hops", hops: 2 });
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8,127.0.0.1" }).trustProxy).toMatchObject({
      kind: "addresses",
    });
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toMatchObject({ kind: "hops", hops: 1 });
  });

  it("refuses a bad value at start, naming TRUST_PROXY", () => {
    for (const bad of ["yes", "10.0.0.0/40", "proxy.internal"]) {
      let error: unknown;
      try {
        loadConfig({ TRUST_PROXY: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(new RegExp(`^TRUST_PROXY="${bad}": `)),
      ]);
    }
  });
});

describe("the address behind one proxy", () => {
  let db: Db;
  let harness: Harness;
  beforeAll(async () => {
    db = await createDb({});
    await db.migrate();
    harness = await startHarness(db, { env: { TRUST_PROXY: "1", BABYHELM_REGISTRATIONS_PER_IP_HOUR: "1" } });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  /** A sign-up through a proxy that appended `seenByProxy` to whatever the client sent. */
  const register = (clientSent: string, seenByProxy: string) =>
    makeClient(harness.url, {
      headers: { "x-forwarded-for": `${clientSent}, ${seenByProxy}` },
    }).auth.register.mutate({
      email: `${uniqueName("proxied")}@example.com`,
      password: TEST_PASSWORD,
    });

  it("counts the address the proxy saw, whatever the client wrote before it", async () => {
    await register("1.1.1.1", "198.51.100.7");
    // A new spoofed entry does not make a new address...
    expect((await errorOf(register("2.2.2.2", "198.51.100.7"))).code).toBe("TOO_MANY_REQUESTS");
    // ...while another address the proxy saw is another client.
    await expect(register("2.2.2.2", "198.51.100.8")).resolves.toMatchObject({ user: expect.anything() });
  });
});
