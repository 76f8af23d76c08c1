import { describe, expect, it } from "vitest";
import { MemoryLimitStore } from "../src/auth/limit-store.js";
import { LoginThrottle } from "../src/auth/login-throttle.js";

describe("login throttle", () => {
  const policy = { freeFailures: 3, firstDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000 };

  it("waits longer after each failure past the free ones, up to the cap", async () => {
    let now = 0;
    const throttle = new LoginThrottle(new MemoryLimitStore(), "login-failures-email", policy, () => now);
    const waits: (number | undefined)[] = [];
    for (let failure = 0; failure < 7; failure++) {
      await throttle.fail("a@example.com");
      waits.push(await throttle.waitSeconds("a@example.com"));
    }
    expect(waits).toEqual([undefined, undefined, 1, 2, 4, 8, 8]);
    now += 7_999;
    expect(await throttle.waitSeconds("a@example.com")).toBe(1);
    now += 1;
    expect(await throttle.waitSeconds("a@example.com")).toBeUndefined();
    expect(await throttle.waitSeconds("b@example.com")).toBeUndefined();
  });

  it("forgets old failures and starts again after a success", async () => {
    let now = 0;
    const throttle = new LoginThrottle(new MemoryLimitStore(), "login-failures-email", policy, () => now);
    for (let failure = 0; failure < 3; failure++) await throttle.fail("key");
    now += 60_000;
    await throttle.fail("key");
    expect(await throttle.waitSeconds("key")).toBeUndefined();
    for (let failure = 0; failure < 2; failure++) await throttle.fail("key");
    expect(await throttle.waitSeconds("key")).toBe(1);
    await throttle.succeed("key");
    await throttle.fail("key");
    expect(await throttle.waitSeconds("key")).toBeUndefined();
  });

  it("lets parallel attempts for one key see each other's failures", async () => {
    const throttle = new LoginThrottle(new MemoryLimitStore(), "login-failures-email", policy, () => 0);
    let checked = 0;
    const attempt = () =>
      throttle.exclusive("a@example.com", async () => {
        if ((await throttle.waitSeconds("a@example.com")) !== undefined) return "waited";
        checked++;
        // A password check takes a while; others arrive meanwhile.
        await new Promise((resolve) => setImmediate(resolve));
        await throttle.fail("a@example.com");
        return "wrong";
      });
    const outcomes = await Promise.all(Array.from({ length: 20 }, attempt));
    expect(checked).toBe(policy.freeFailures);
    expect(outcomes.filter((outcome) => outcome === "waited")).toHaveLength(20 - policy.freeFailures);
    // An attempt that throws does not hold up the next one.
    await expect(throttle.exclusive("b", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(throttle.exclusive("b", () => Promise.resolve("next"))).resolves.toBe("next");
  });
});
