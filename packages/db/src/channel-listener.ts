// LISTEN on one PostgreSQL channel over a connection of its own (a pooled one would be handed to other queries),
// kept alive: a lost connection is reported at once and reopened with back-off, and a periodic round trip finds a
// connection that died without a word (a network cut), so that listeners know when notifications may be missed.
import pg from "pg";

export interface ChannelEvents {
  /** A notification's payload. */
  message(payload: string): void;
  /** LISTEN is in place, at first or again after a loss: notifications sent from now on arrive. */
  up(): void;
  /** The connection is lost, or an attempt to open it failed: notifications may be missed until `up`. */
  down(error: Error): void;
}

export interface ChannelListener {
  /** Whether LISTEN is in place right now. */
  readonly listening: boolean;
  close(): Promise<void>;
}

interface ChannelListenerOptions {
  /** How often the connection is checked, and how long a check may take before it counts as lost. */
  heartbeatMs?: number;
  /** The first wait before reopening; each failure doubles it up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export function listenOnChannel(
  connectionString: string,
  channel: string,
  events: ChannelEvents,
  { heartbeatMs = 2_000, firstBackoffMs = 100, maxBackoffMs = 5_000 }: ChannelListenerOptions = {},
): ChannelListener {
  const listen = `LISTEN ${pg.escapeIdentifier(channel)}`;
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let backoffMs = firstBackoffMs;
  let reopen: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  function lose(current: pg.Client, error: Error): void {
    if (client !== current) return;
    client = undefined;
    listening = false;
    clearInterval(heartbeat);
    current.removeAllListeners("notification");
    // Not awaited: on a connection that died without a word, ending may wait for a timeout of the network's.
    current.end().catch(() => undefined);
    events.down(error);
    if (closed) return;
    reopen = setTimeout(() => void open(), backoffMs);
    reopen.unref();
    backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
  }

  async function open(): Promise<void> {
    const current = new pg.Client({ connectionString, application_name: "babyhelm-listener" });
    client = current;
    current.on("error", (error) => {
      lose(current, error);
    });
    current.on("end", () => {
      lose(current, new Error("the listening connection ended"));
    });
    current.on("notification", (notification) => {
      if (notification.channel === channel && notification.payload !== undefined) {
        events.message(notification.payload);
      }
    });
    try {
      await current.connect();
      await current.query(listen);
    } catch (error) {
      lose(current, error as Error);
      return;
    }
    if (client !== current) return;
    listening = true;
    backoffMs = firstBackoffMs;
    events.up();
    // LISTEN again rather than `select 1`: it is a no-op on a listening session, and it keeps the session's last
    // query (pg_stat_activity.query) saying what the connection is for.
    let checking = false;
    heartbeat = setInterval(() => {
      if (checking) return;
      checking = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`the listening connection did not answer within ${heartbeatMs} ms`));
        }, heartbeatMs);
      });
      Promise.race([current.query(listen), timeout])
        .catch((error: unknown) => {
          lose(current, error as Error);
        })
        .finally(() => {
          clearTimeout(timer);
          checking = false;
        });
    }, heartbeatMs);
    heartbeat.unref();
  }

  void open();
  return {
    get listening() {
      return listening;
    },
    close: async () => {
      closed = true;
      clearTimeout(reopen);
      clearInterval(heartbeat);
      const current = client;
      client = undefined;
      listening = false;
      await current?.end().catch(() => undefined);
    },
  };
}
