// Validated credentials, remembered for a few seconds (BABYHELM_CREDENTIAL_CACHE_SECONDS) so that a burst of calls
// with one token costs one lookup.
//
// Correctness comes first. Whatever ends a credential (logout, logoutAll, sessions.revoke, tokens.revoke) goes
// through revokeCredentials (revocation.service.ts): this replica's cache forgets at once, and on PostgreSQL a
// NOTIFY sent in the deletion's transaction makes every other replica's cache forget too (revocation-bus.ts),
// within the notice's trip, well under a second. While a replica's listening connection is down the cache is
// distrusted (every call looks its credential up), so a lost connection never extends staleness. An entry is never
// served past the credential's own expiry. Project roles are not cached: each call reads its membership.
import type { Revocation } from "./revocation.js";
import type { AuthenticatedUser } from "./session.repository.js";

export type Credential =
  | { kind: "session"; user: AuthenticatedUser; sessionId: string; expiresAt: Date; renewed: boolean }
  | { kind: "api-token"; user: AuthenticatedUser; tokenId: string; expiresAt: Date | null };

export interface CredentialCacheOptions {
  /** How long a validated credential is trusted without asking the database again; 0: every call asks. */
  ttlMs?: number;
  /** At most this many credentials are remembered; the oldest go first. */
  maxEntries?: number;
  /** A monotonic clock for the TTL (tests pass their own). */
  monotonicNow?: () => number;
}

const DEFAULT_TTL_MS = 5_000;
const DEFAULT_MAX_ENTRIES = 10_000;

interface Entry {
  /** Set while the lookup runs: callers that arrive meanwhile wait for it instead of starting their own. */
  lookup: Promise<Credential | undefined> | undefined;
  credential: Credential | undefined;
  trustedUntil: number;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly monotonicNow: () => number;
  private trusted = true;

  constructor(options: CredentialCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.monotonicNow = options.monotonicNow ?? (() => performance.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The credential whose token hashes to `tokenHash`, from memory when a lookup of it is under `ttlMs` old and the
   * credential has not expired at `now`; otherwise from `lookUp`, shared with every caller that asks meanwhile.
   * Refusals are not remembered: a refused token stays refused, and remembering them would let random tokens
   * push valid ones out.
   */
  async get(
    tokenHash: string,
    now: Date,
    lookUp: () => Promise<Credential | undefined>,
  ): Promise<Credential | undefined> {
    if (this.ttlMs === 0 || !this.trusted) return unexpired(await lookUp(), now);
    const known = this.entries.get(tokenHash);
    if (known !== undefined) {
      if (known.lookup !== undefined) return unexpired(await known.lookup, now);
      if (known.trustedUntil > this.monotonicNow() && unexpired(known.credential, now) !== undefined) {
        return known.credential;
      }
      this.entries.delete(tokenHash);
    }
    const entry: Entry = { lookup: undefined, credential: undefined, trustedUntil: 0 };
    entry.lookup = lookUp().then(
      (credential) => {
        // A `forget…` while the lookup ran removed the entry: what the lookup read may be what was revoked.
        if (this.entries.get(tokenHash) === entry) {
          if (credential === undefined) {
            this.entries.delete(tokenHash);
          } else {
            entry.lookup = undefined;
            // Only the request that renewed a session sends the new cookie; later ones have nothing to send.
            entry.credential = credential.kind === "session" ? { ...credential, renewed: false } : credential;
            entry.trustedUntil = this.monotonicNow() + this.ttlMs;
          }
        }
        return credential;
      },
      (error: unknown) => {
        if (this.entries.get(tokenHash) === entry) this.entries.delete(tokenHash);
        throw error;
      },
    );
    this.makeRoom();
    this.entries.set(tokenHash, entry);
    return unexpired(await entry.lookup, now);
  }

  /** After credentials were deleted, here or on another replica. */
  forget(revocation: Revocation): void {
    if (revocation.kind === "session") this.forgetSession(revocation.sessionId);
    else if (revocation.kind === "user-sessions") this.forgetSessionsOf(revocation.userId);
    else this.forgetApiToken(revocation.tokenId);
  }

  /**
   * Forgets everything and remembers nothing until `trust()`: while revocations of other replicas may be missed,
   * only the database can tell whether a credential still holds. Lookups still running are not kept either.
   */
  distrust(): void {
    this.trusted = false;
    this.entries.clear();
  }

  /** Revocations reach this cache again (every entry since `distrust()` was dropped, so none can be stale). */
  trust(): void {
    this.trusted = true;
  }

  /** After a session was deleted (logout, sessions.revoke): its id is its token's hash. */
  forgetSession(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  /** After every session of a user was deleted (logoutAll). */
  forgetSessionsOf(userId: string): void {
    this.forgetWhere((credential) => credential.kind === "session" && credential.user.id === userId);
  }

  /** After an API token was deleted (tokens.revoke): entries are keyed by hash, which the caller does not know. */
  forgetApiToken(tokenId: string): void {
    this.forgetWhere((credential) => credential.kind === "api-token" && credential.tokenId === tokenId);
  }

  /**
   * Drops the entries that match, and every lookup still running: which credential a running lookup will return
   * is not known yet, and it may have read the row before the deletion.
   */
  private forgetWhere(matches: (credential: Credential) => boolean): void {
    for (const [tokenHash, entry] of this.entries) {
      if (entry.lookup !== undefined || (entry.credential !== undefined && matches(entry.credential))) {
        this.entries.delete(tokenHash);
      }
    }
  }

  /**
   * Drops the oldest entry when full (a Map iterates in insertion order). Entries are trusted for the same TTL
   * from about when they were added, so the oldest is also the first to expire: no scan is needed.
   */
  private makeRoom(): void {
    if (this.entries.size < this.maxEntries) return;
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}

function unexpired(credential: Credential | undefined, now: Date): Credential | undefined {
  if (credential === undefined) return undefined;
  if (credential.expiresAt !== null && credential.expiresAt.getTime() <= now.getTime()) return undefined;
  return credential;
}
