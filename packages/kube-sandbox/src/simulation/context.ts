import type { ObjectStore, StoreEvent } from "../contract.js";
import type { EventRecorder } from "./events.js";
import type { OwnerIndex } from "./indexes.js";
import type { Timers } from "./runtime.js";

/** What every simulated controller gets from startSimulation. */
export interface ControllerContext {
  /**
   * Reads are copy-free (see copyFreeView): objects read or observed are the stored ones, deeply frozen; a controller
   * builds new objects to write and never changes what it read.
   */
  store: ObjectStore;
  /** Who controls what, up to date with every event a controller observes. */
  owners: OwnerIndex;
  timing: Timing;
  timers: Timers;
  events: EventRecorder;
  /** Queues `work` for the next turn of the event loop; queueing the same key again before then runs it once. */
  enqueue(key: string, work: () => void): void;
}

export interface Controller {
  /** Reacts to a store change by queueing reconciles; never writes to the store from inside the listener. */
  observe(event: StoreEvent): void;
  /** Queues a reconcile of everything already in the store (objects from a snapshot). */
  resync(): void;
  stop?(): void;
}

/**
 * All simulated durations derive from readyDelayMs, so one knob makes the sandbox as fast as a test wants.
 * "Sandbox seconds" (progressDeadlineSeconds) run twenty times faster than readyDelayMs seconds: at the default
 * 1000 ms a pod is ready after 1 s and the default 600 s progress deadline is 30 s.
 */
export class Timing {
  constructor(readonly readyDelayMs: number) {}

  /** Pending → Running, then Running → Ready: each half of readyDelayMs. */
  get podStepMs(): number {
    return this.readyDelayMs / 2;
  }

  /** A deadline never shorter than three pod start-ups, so a healthy rollout cannot time out however it is set. */
  progressDeadlineMs(seconds: number): number {
    return Math.max((seconds * this.readyDelayMs) / 20, 3 * this.readyDelayMs, 100);
  }

  /**
   * Image pull and crash back-off: doubling from readyDelayMs (at least 100 ms), capped at 16×, like the kubelet's
   * 10 s → 300 s.
   */
  pullBackOffMs(attempt: number): number {
    const base = Math.max(this.readyDelayMs, 100);
    return base * 2 ** Math.min(attempt, 4);
  }

  /**
   * How long a ReplicaSet whose pod create was refused (quota) waits before trying again: doubling from readyDelayMs
   * (at least 100 ms) up to 16× that, like the controller's rate-limited requeue (5 ms doubling up to 1000 s).
   */
  createBackOffMs(attempt: number): number {
    return Math.max(this.readyDelayMs, 100) * 2 ** Math.min(attempt, 4);
  }

  /** How long a LoadBalancer Service waits for its address. */
  get loadBalancerDelayMs(): number {
    return this.readyDelayMs;
  }
}
