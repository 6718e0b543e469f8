/**
 * The one way an entry point (timer, HTTP, queue, CLI) hands a finished run to its sinks: every
 * sink gets the run, then everything is flushed, all of it within one flush timeout. A sink that
 * throws, hangs or cannot reach its far end costs at most that timeout and never changes the
 * run's result or the invocation's outcome.
 */
import type { RunReport } from '../contract/result';
import type { RunPlan } from '../run/plan';
import type { ExpiryReport } from '../run/expiry-sweep';
import type { DeliveryBudget, RunContext, Sink } from './sink';

export interface Delivery {
  readonly sinks: readonly Sink[];
  readonly flushTimeoutMs: number;
  /** Settings that were present but unusable (named, with the problem): entry points log them. */
  readonly problems: readonly string[];
}

export interface DeliveryOutcome {
  /** False when some sink had not finished when the flush timeout ran out (or failed). */
  complete: boolean;
  durationMs: number;
  /** `<sink>: <what went wrong>`, for the entry point's log. Never contains secrets. */
  errors: string[];
  /** The names of the sinks that did not finish (`state`, `applicationinsights`, `notify`...). */
  failedSinks: string[];
}

export const NO_DELIVERY: Delivery = { sinks: [], flushTimeoutMs: 0, problems: [] };

const TIMED_OUT = Symbol('timed out');

function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms), TIMED_OUT)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function toEverySink(delivery: Delivery, send: (sink: Sink, budget: DeliveryBudget) => Promise<void>): Promise<DeliveryOutcome> {
  const started = performance.now();
  const deadline = started + delivery.flushTimeoutMs;
  const left = () => deadline - performance.now();
  const errors: string[] = [];
  const failedSinks = new Set<string>();
  const failed = (sink: Sink, error: string) => {
    errors.push(`${sink.name}: ${error}`);
    failedSinks.add(sink.name);
  };
  await Promise.all(
    delivery.sinks.map(async (sink) => {
      try {
        // A sink's own work (a Table Storage write, a webhook) draws from the same budget as its flush.
        if ((await within(send(sink, { deadlineAt: deadline }), left())) === TIMED_OUT) {
          failed(sink, `not delivered within ${delivery.flushTimeoutMs} ms`);
          return;
        }
        if ((await within(sink.flush(Math.max(0, Math.round(left()))), left())) === TIMED_OUT) {
          failed(sink, `flush not finished within ${delivery.flushTimeoutMs} ms`);
        }
      } catch (error) {
        failed(sink, error instanceof Error ? error.message : String(error));
      }
    }),
  );
  return { complete: errors.length === 0, durationMs: Math.round(performance.now() - started), errors, failedSinks: [...failedSinks] };
}

/** A completed run (or one queue batch of it) to every sink, flushed within the timeout. */
export function deliverRun(delivery: Delivery, report: RunReport, plan: RunPlan, run: RunContext): Promise<DeliveryOutcome> {
  return toEverySink(delivery, (sink, budget) => sink.report(report, plan, run, budget));
}

/** The expiry sweep to every sink that takes credentials, flushed within the timeout. */
export function deliverSweep(delivery: Delivery, report: ExpiryReport, plan: RunPlan, run: RunContext): Promise<DeliveryOutcome> {
  return toEverySink({ ...delivery, sinks: delivery.sinks.filter((s) => s.credentials) }, (sink, budget) => sink.credentials!(report, plan, run, budget));
}

/**
 * The monitor itself broke (CONFIG_INVALID, a crash): an exception, never a mailbox's outage.
 * The code, phase and kind travel as properties, like a failed check's.
 */
export function deliverMonitorError(delivery: Delivery, error: Error, run: RunContext, extra: Record<string, string> = {}): Promise<DeliveryOutcome> {
  const code = (error as { code?: unknown }).code === 'CONFIG_INVALID' ? 'CONFIG_INVALID' : 'INTERNAL';
  const properties = code === 'CONFIG_INVALID' ? { code, phase: 'config', kind: 'config' } : { code, phase: 'run', kind: 'internal' };
  // `extra` says what the failure touched (a dead batch's app and mailbox ids); the code stays.
  return toEverySink(delivery, (sink) => sink.monitorError(error, run, { ...extra, ...properties }));
}
