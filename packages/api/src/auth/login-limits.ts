import type { LimitStore } from "./limit-store.js";
import { DEFAULT_THROTTLE_POLICY, LoginThrottle } from "./login-throttle.js";
import { RateLimiter } from "./rate-limiter.js";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/**
 * The limits on signing in: attempts per client address, and failures in a row per email and per address, which
 * make further attempts wait. All three live in one LimitStore, so that a sign-in checks them in one round trip.
 */
export class LoginLimits {
  readonly byIp: RateLimiter;
  readonly failuresByEmail: LoginThrottle;
  readonly failuresByIp: LoginThrottle;

  constructor(
    private readonly store: LimitStore,
    private readonly now: () => number = Date.now,
  ) {
    this.byIp = new RateLimiter(store, "login-ip", 50, LOGIN_WINDOW_MS, now);
    this.failuresByEmail = new LoginThrottle(store, "login-failures-email", DEFAULT_THROTTLE_POLICY, now);
    // An office behind one address makes typos together: more free failures than one person gets.
    this.failuresByIp = new LoginThrottle(
      store,
      "login-failures-ip",
      { ...DEFAULT_THROTTLE_POLICY, freeFailures: 20 },
      now,
    );
  }

  /**
   * Counts an attempt from `ip` for `email`: `wait` is the seconds to wait when a limit refuses it, and
   * `emailFailures` whether the email has failures that a right password should clear (else clearing is skipped,
   * which keeps a right password at one query of the store).
   */
  async admit(ip: string, email: string): Promise<{ wait: number | undefined; emailFailures: boolean }> {
    const at = this.now();
    const {
      attempts,
      read: [byEmail, byIp],
    } = await this.store.countAttempt(this.byIp.counter(ip), at, this.byIp.windowMs, [
      this.failuresByEmail.counter(email),
      this.failuresByIp.counter(ip),
    ]);
    return {
      wait:
        this.byIp.waitAfter(attempts, at) ??
        this.failuresByEmail.waitAfter(byEmail, at) ??
        this.failuresByIp.waitAfter(byIp, at),
      emailFailures: byEmail !== undefined,
    };
  }
}
