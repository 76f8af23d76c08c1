// Where a log stream is in each pod's log, as the id of every event it sends (tRPC's `tracked`): a client that lost
// the stream (its server stopped or died) reconnects, to any replica, with the last id it got, and the stream goes on
// from there. The kubelet stamps every line (`timestamps=true`) and can start at a time (`sinceTime`, whole seconds);
// a line is identified by its pod, its time and, as several lines can share one time, how many lines of that pod with
// that time came before it. Lines written while no stream was open are read then; only what the kubelet no longer
// has (a rotated log, a deleted pod) is lost.

const PREFIX = "logs:";
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)(?: |$)/;
const ENTRY =
  /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)@(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)#([1-9]\d{0,8})$/;

/** The last line delivered of one pod: its time (fixed width, UTC, nanoseconds) and how many share that time. */
interface Position {
  at: string;
  count: number;
}

export class LogCursor {
  /** Of the lines the client got: what the event ids say. */
  private readonly delivered = new Map<string, Position>();
  /** Of the lines read from the kubelet, some perhaps still on their way to the client: where a new read starts. */
  private readonly read = new Map<string, Position>();

  /** The cursor an event id names, or undefined when it is not one. */
  static parse(id: string): LogCursor | undefined {
    if (!id.startsWith(PREFIX)) return undefined;
    const cursor = new LogCursor();
    const body = id.slice(PREFIX.length);
    if (body === "") return cursor;
    for (const entry of body.split(",")) {
      const match = ENTRY.exec(entry);
      if (match === null) return undefined;
      cursor.delivered.set(match[1]!, { at: match[3]!, count: Number(match[4]) });
    }
    return cursor;
  }

  /** The event id of this position (never empty: tRPC refuses an empty id). */
  toString(): string {
    return PREFIX + [...this.delivered].map(([pod, { at, count }]) => `${pod}@${at}#${count}`).join(",");
  }

  /** Where to start reading `pod`'s log: the second of its last line read, if any was. */
  sinceTime(pod: string): string | undefined {
    const at = this.lastRead(pod)?.at;
    return at === undefined ? undefined : `${at.slice(0, 19)}Z`;
  }

  /** A pod gone: its log with it, and its place in the id. */
  forget(pod: string): void {
    this.delivered.delete(pod);
    this.read.delete(pod);
  }

  /**
   * Reads one request's lines of `pod` (stamped by the kubelet): each call gives one raw line without its time and
   * the time, or undefined for a line read before (the request started at the second of the last one read).
   */
  reader(pod: string): (raw: string) => { line: string; at?: string } | undefined {
    const start = this.lastRead(pod);
    let sameTimeSeen = 0;
    let caughtUp = start === undefined;
    return (raw) => {
      const stamped = splitStamp(raw);
      if (stamped === undefined) return { line: raw };
      const { at } = stamped;
      if (!caughtUp) {
        if (at < start!.at) return undefined;
        if (at === start!.at && ++sameTimeSeen <= start!.count) return undefined;
        caughtUp = true;
      }
      advance(this.read, pod, at);
      return stamped;
    };
  }

  /** A line of `pod` read at `at` reached the client. */
  deliver(pod: string, at: string): void {
    advance(this.delivered, pod, at);
  }

  private lastRead(pod: string): Position | undefined {
    return this.read.get(pod) ?? this.delivered.get(pod);
  }
}

function advance(positions: Map<string, Position>, pod: string, at: string): void {
  const last = positions.get(pod);
  positions.set(pod, { at, count: last?.at === at ? last.count + 1 : 1 });
}

/** The kubelet's time of a line, fixed width in UTC so that times compare as strings, and the line without it. */
function splitStamp(raw: string): { at: string; line: string } | undefined {
  const match = STAMP.exec(raw);
  if (match === null) return undefined;
  const [prefix, seconds, fraction = "", zone] = match;
  const utc = zone === "Z" ? seconds! : new Date(`${seconds!}${zone!}`).toISOString().slice(0, 19);
  return { at: `${utc}.${fraction.padEnd(9, "0")}Z`, line: raw.slice(prefix.length) };
}
