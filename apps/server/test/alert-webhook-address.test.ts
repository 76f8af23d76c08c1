// A creator's webhook URL cannot make the server reach into its own network: private and loopback addresses are
// refused when the target is saved (for literal addresses) and when an alert is sent (after DNS, on the address that
// is then connected to), unless the operator sets ALERT_PRIVATE_WEBHOOKS=true.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliverAlert,
  DeliveryError,
  isPrivateAddress,
  type AlertMessage,
  type Lookup,
} from "@babyhelm/api/testing";
import type { AlertTarget } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { errorOf, startHarness, uniqueName, type Harness } from "./support/harness.js";

describe("isPrivateAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["10.20.30.40", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["::1", true],
    ["::", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:10.0.0.1", true],
    ["::ffff:7f00:1", true],
    ["::ffff:0:127.0.0.1", true],
    ["::ffff:0:a9fe:a9fe", true],
    ["::ffff:0:10.0.0.1", true],
    ["64:ff9b::a9fe:a9fe", true],
    ["64:ff9b::169.254.169.254", true],
    ["2002:7f00:1::1", true],
    ["::7f00:1", true],
    ["fe80::1%eth0", true],
    ["64:ff9b::808:808", false],
    ["2002:808:808::1", false],
    ["172.32.0.1", false],
    ["8.8.8.8", false],
    ["203.0.113.9", false],
    ["2001:4860:4860::8888", false],
    ["::ffff:8.8.8.8", false],
    ["::ffff:0:8.8.8.8", false],
  ])("%s: %s", (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

const MESSAGE: AlertMessage = {
  text: "🔴 shop/web failed",
  title: "shop/web failed",
  detail: "",
  link: undefined,
};

/** A resolver that answers `addresses` for every name, and remembers what it was asked. */
function fakeLookup(addresses: string[]): Lookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = ((
    hostname: string,
    _options: unknown,
    callback: (error: null, entries: { address: string; family: number }[]) => void,
  ) => {
    asked.push(hostname);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  }) as unknown as Lookup & { asked: string[] };
  lookup.asked = asked;
  return lookup;
}

function slackTarget(url: string): AlertTarget {
  return { type: "slack", webhook_url: url, bot_token: null, chat_id: null } as AlertTarget;
}

describe("deliverAlert to a webhook", () => {
  let receiver: Server;
  let port = 0;
  let received = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      received++;
      req.resume();
      req.on("end", () => res.writeHead(200).end("ok"));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  const options = { telegramApiUrl: "https://api.telegram.org", timeoutMs: 2_000 };

  it("refuses a name that resolves to a private address, before connecting", async () => {
    const lookup = fakeLookup(["127.0.0.1"]);
    const before = received;
    const error = await deliverAlert(slackTarget(`http://hooks.example.test:${port}/secret-path`), MESSAGE, {
      ...options,
      allowPrivate: false,
      lookup,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toBe(
      `Did not send to the webhook at hooks.example.test:${port}: hooks.example.test is a private address (127.0.0.1): BabyHelm sends alerts only to public addresses unless its operator sets ALERT_PRIVATE_WEBHOOKS=true.`,
    );
    expect((error as Error).message).not.toContain("secret-path");
    expect(lookup.asked).toEqual(["hooks.example.test"]);
    expect(received).toBe(before);
  });

  it("refuses when any of a name's addresses is private", async () => {
    const error = await deliverAlert(slackTarget(`http://hooks.example.test:${port}/x`), MESSAGE, {
      ...options,
      allowPrivate: false,
      lookup: fakeLookup(["203.0.113.9", "10.0.0.7"]),
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/private address \(10\.0\.0\.7\)/);
  });

  it("refuses a literal private address without asking DNS", async () => {
    const lookup = fakeLookup(["203.0.113.9"]);
    const error = await deliverAlert(slackTarget("http://169.254.169.254/latest/meta-data"), MESSAGE, {
      ...options,
      allowPrivate: false,
      lookup,
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/169\.254\.169\.254 is a private address/);
    expect(lookup.asked).toEqual([]);
  });

  it("says plainly when the webhook does not answer in time, or refuses the connection", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const late = await deliverAlert(slackTarget(`http://127.0.0.1:${silentPort}/secret-path`), MESSAGE, {
      ...options,
      timeoutMs: 300,
      allowPrivate: true,
    }).catch((caught: unknown) => caught);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    expect((late as Error).message).toBe(
      `Could not reach the webhook at 127.0.0.1:${silentPort}. No answer from 127.0.0.1:${silentPort} within 0.3 s (http://127.0.0.1:${silentPort}/…): check that the receiver is up and reachable from the BabyHelm server.`,
    );
    const refused = await deliverAlert(slackTarget(`http://127.0.0.1:${silentPort}/secret-path`), MESSAGE, {
      ...options,
      allowPrivate: true,
    }).catch((caught: unknown) => caught);
    expect((refused as Error).message).toBe(
      `Could not reach the webhook at 127.0.0.1:${silentPort}. Connection to 127.0.0.1:${silentPort} was refused: nothing accepts connections there (http://127.0.0.1:${silentPort}/…). Check the URL's host and port.`,
    );
  });

  it("with private addresses allowed, connects to the address the name resolved to", async () => {
    const before = received;
    const lookup = fakeLookup(["127.0.0.1"]);
    await deliverAlert(slackTarget(`http://hooks.example.test:${port}/x`), MESSAGE, {
      ...options,
      allowPrivate: true,
      lookup,
    });
    expect(lookup.asked).toEqual(["hooks.example.test"]);
    expect(received).toBe(before + 1);
  });
});

const [backend] = testBackends();

describe.skipIf(backend?.skipReason !== undefined)("alerts.set with the default configuration", () => {
  let harness: Harness;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const db = await backend!.open();
    harness = await startHarness(db);
    close = async () => {
      await harness.stop();
      await db.close();
    };
  });
  afterAll(async () => {
    await close();
  });

  it.each([
    ["http://127.0.0.1:9000/hook", "127.0.0.1"],
    ["http://localhost:9000/hook", "the server itself"],
    ["https://[::1]/hook", "::1"],
    ["https://10.1.2.3/hook", "10.1.2.3"],
    ["https://169.254.169.254/latest", "169.254.169.254"],
    ["https://[::ffff:169.254.169.254]/latest", "::ffff:a9fe:a9fe"],
    ["https://[64:ff9b::169.254.169.254]/latest", "64:ff9b::a9fe:a9fe"],
    ["https://[::ffff:0:169.254.169.254]/latest", "::ffff:0:a9fe:a9fe"],
    ["https://0x7f000001/hook", "127.0.0.1"],
  ])("refuses %s, naming the field and the setting", async (url, address) => {
    const { client } = await harness.newUser("private");
    const project = (await client.projects.create.mutate({ name: uniqueName("private") })).name;
    const error = await errorOf(client.alerts.set.mutate({ project, target: { type: "slack", url } }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.data.issues).toEqual([
      {
        path: "target.url",
        message: `${new URL(url).host} is a private address (${address}): BabyHelm sends alerts only to public addresses unless its operator sets ALERT_PRIVATE_WEBHOOKS=true`,
      },
    ]);
    expect(await client.alerts.get.query({ project })).toMatchObject({ target: null });
  });

  it("accepts a public webhook", async () => {
    const { client } = await harness.newUser("public");
    const project = (await client.projects.create.mutate({ name: uniqueName("public") })).name;
    const set = await client.alerts.set.mutate({
      project,
      target: { type: "slack", url: "https://hooks.example.com/services/T1/B2/c3" },
    });
    expect(set.target).toMatchObject({ type: "slack", host: "hooks.example.com" });
  });
});
