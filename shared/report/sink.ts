/**
 * Where a finished run goes besides the entry point's own output: Application Insights, the
 * per-mailbox state in Table Storage, the notifier. Every sink gets the same three things, reads
 * them and never changes them (data flows one way: run → report → sinks). A sink never throws
 * and never delays the end of an invocation beyond the flush timeout it is given: a broken sink
 * must not turn into a broken check.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunReport } from '../contract/result';
import type { RunPlan } from '../run/plan';
import type { ExpiryReport } from '../run/expiry-sweep';

export type Trigger = 'timer' | 'http' | 'cli' | 'queue' | 'sweep';

/** Who ran this, where and as which run: the same for every sink of one run. */
export interface RunContext {
  runId: string;
  trigger: Trigger;
  /** REGION_NAME on Azure Functions, the host name elsewhere. */
  location: string;
  host: string;
  version: string;
}

/** When a sink's work must be over: the delivery's flush deadline (a `performance.now()` value). */
export interface DeliveryBudget {
  deadlineAt: number;
}

export interface Sink {
  readonly name: string;
  /**
   * One completed run (or one queue batch of a fanned-out run: same runId, its part of the plan).
   * `budget` is the delivery's deadline: a sink that retries stops there, and stops its requests.
   */
  report(report: RunReport, plan: RunPlan, run: RunContext, budget?: DeliveryBudget): Promise<void>;
  /** The monitor itself broke before or outside any mailbox's check (bad config, a crash). */
  monitorError(error: Error, run: RunContext, properties?: Record<string, string>): Promise<void>;
  /** The expiry sweep's credentials (no mailbox was checked); sinks with nothing to say omit it. */
  credentials?(report: ExpiryReport, plan: RunPlan, run: RunContext, budget?: DeliveryBudget): Promise<void>;
  /** Deliver what is buffered; settles within `timeoutMs` whatever the far end does (rejects when not delivered). */
  flush(timeoutMs: number): Promise<void>;
}

/** The nearest package.json above this file: from dist/ when built, from the source under ts-jest. */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  }
  return 'unknown';
}

// Read once: the version every telemetry item and stored row is stamped with.
const VERSION = packageVersion();

export function newRunContext(trigger: Trigger, env: NodeJS.ProcessEnv = process.env, runId: string = randomUUID()): RunContext {
  const host = hostname();
  return { runId, trigger, location: env.REGION_NAME || host, host, version: VERSION };
}
