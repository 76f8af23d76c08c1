// Where the CPU went during a measured window, per process, from /proc (Linux; elsewhere the figures are absent).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

export interface CpuSnapshot {
  at: number;
  /** CPU time (all threads) per process, in seconds. */
  byPid: Map<number, ProcessTimes>;
  /** Busy and total CPU time of the whole machine, in seconds. */
  machine: { busy: number; total: number };
}

interface ProcessTimes {
  name: string;
  user: number;
  system: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function snapshotCpu(): CpuSnapshot {
  const ticks = clockTicks();
  const byPid = new Map<number, ProcessTimes>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    // Not Linux.
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
      const fields = stat.slice(close + 2).split(" ");
      byPid.set(Number(entry), {
        name,
        user: Number(fields[11]) / ticks,
        system: Number(fields[12]) / ticks,
      });
    } catch {
      // The process ended between listing and reading.
    }
  }
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += (user + nice + sys + irq) / 1000;
    total += (user + nice + sys + idle + irq) / 1000;
  }
  return { at: performance.now(), byPid, machine: { busy, total } };
}

export interface CpuGroup {
  label: string;
  matches(pid: number, name: string): boolean;
}

export interface CpuShare {
  label: string;
  /** Percent of one core, user + system. */
  percentOfCore: number;
  /** The part spent in the kernel (syscalls, and the loopback TCP work they do for the receiver). */
  systemPercentOfCore: number;
}

/** Percent of one core used by each group between two snapshots, plus "other" and the machine's busy share. */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot, groups: CpuGroup[]) {
  const wall = (after.at - before.at) / 1000;
  const used = new Map<string, { user: number; system: number }>(
    [...groups.map((group) => group.label), "other processes"].map((label) => [
      label,
      { user: 0, system: 0 },
    ]),
  );
  for (const [pid, { name, user, system }] of after.byPid) {
    const earlier = before.byPid.get(pid);
    const group = groups.find((candidate) => candidate.matches(pid, name));
    const sum = used.get(group?.label ?? "other processes")!;
    sum.user += user - (earlier?.user ?? 0);
    sum.system += system - (earlier?.system ?? 0);
  }
  const shares: CpuShare[] = [...used].map(([label, { user, system }]) => ({
    label,
    percentOfCore: (100 * (user + system)) / wall,
    systemPercentOfCore: (100 * system) / wall,
  }));
  const machineBusyPercent =
    (100 * (after.machine.busy - before.machine.busy)) / (after.machine.total - before.machine.total);
  const cores = cpus().length;
  // Processes that started and ended inside the window (other people's test runs, compilers) are in no snapshot.
  const attributed = shares.reduce((sum, share) => sum + share.percentOfCore, 0);
  shares.push({
    label: "processes gone by the end",
    percentOfCore: Math.max(0, machineBusyPercent * cores - attributed),
    systemPercentOfCore: Number.NaN,
  });
  return { shares, machineBusyPercent, cores };
}

export function machineSummary(): string {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpus().length} CPUs (${model}), load average ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} (1/5/15 min), node ${process.version}`;
}
