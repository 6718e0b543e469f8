/**
 * Delivery to sinks: every sink gets the run, a broken or hanging sink costs at most the flush
 * timeout and never hides the others; sinks are built from the environment, absent when unset.
 * (Unit tests with fake sinks; the Application Insights wire is in app-insights-wire.test.ts.)
 */
import type { RunReport } from '../../shared/contract/result';
import { deliverMonitorError, deliverRun, type Delivery } from '../../shared/report/delivery';
import { newRunContext, type Sink } from '../../shared/report/sink';
import { DEFAULT_FLUSH_TIMEOUT_MS, sinksFromEnv, type SinkFactory } from '../../shared/report/sinks-from-env';
import type { RunPlan } from '../../shared/run/plan';

const report: RunReport = { startedAt: new Date().toISOString(), durationMs: 5, status: 'ok', counts: { total: 0, ok: 0, degraded: 0, failed: 0 }, results: [] };
const plan = { mailboxes: [] } as unknown as RunPlan;

function recordingSink(name: string, behaviour: { report?: 'throw' | 'hang'; flush?: 'hang' } = {}): Sink & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    calls,
    report: async (_r, _p, run) => {
      calls.push(`report ${run.trigger}`);
      if (behaviour.report === 'throw') throw new Error('table write refused');
      if (behaviour.report === 'hang') await new Promise(() => undefined);
    },
    monitorError: async (error, _run, properties) => {
      calls.push(`error ${error.message} ${properties?.code}`);
    },
    flush: async () => {
      calls.push('flush');
      if (behaviour.flush === 'hang') await new Promise(() => undefined);
    },
  };
}

describe('deliverRun', () => {
  it('reports to and flushes every sink', async () => {
    const a = recordingSink('a');
    const b = recordingSink('b');
    const outcome = await deliverRun({ sinks: [a, b], flushTimeoutMs: 1000, problems: [] }, report, plan, newRunContext('timer'));
    expect(outcome).toMatchObject({ complete: true, errors: [] });
    expect(a.calls).toEqual(['report timer', 'flush']);
    expect(b.calls).toEqual(['report timer', 'flush']);
  });

  it('a throwing, a hanging and a never-flushing sink each cost at most the timeout and are named', async () => {
    const good = recordingSink('good');
    const delivery: Delivery = { sinks: [recordingSink('throws', { report: 'throw' }), recordingSink('hangs', { report: 'hang' }), recordingSink('stuck', { flush: 'hang' }), good], flushTimeoutMs: 300, problems: [] };
    const outcome = await deliverRun(delivery, report, plan, newRunContext('http'));
    expect(outcome.complete).toBe(false);
    expect(outcome.durationMs).toBeLessThan(300 + 1500);
    expect(outcome.errors.sort()).toEqual(['hangs: not delivered within 300 ms', 'stuck: flush not finished within 300 ms', 'throws: table write refused']);
    expect(good.calls).toEqual(['report http', 'flush']);
  });

  it('a monitor error carries CONFIG_INVALID or INTERNAL as its code', async () => {
    const sink = recordingSink('a');
    const configError = Object.assign(new Error('bad config'), { code: 'CONFIG_INVALID' });
    await deliverMonitorError({ sinks: [sink], flushTimeoutMs: 1000, problems: [] }, configError, newRunContext('cli'));
    await deliverMonitorError({ sinks: [sink], flushTimeoutMs: 1000, problems: [] }, new TypeError('x is undefined'), newRunContext('cli'));
    expect(sink.calls.filter((c) => c.startsWith('error'))).toEqual(['error bad config CONFIG_INVALID', 'error x is undefined INTERNAL']);
  });
});

describe('sinksFromEnv', () => {
  const factory: SinkFactory = { settings: ['FAKE_SINK'], create: (env) => (env.FAKE_SINK === 'bad' ? (() => { throw new Error('FAKE_SINK: "bad" is not a URL'); })() : env.FAKE_SINK ? recordingSink('fake') : undefined) };

  it('builds a sink only when its setting is present', () => {
    expect(sinksFromEnv({}, [factory]).sinks).toEqual([]);
    expect(sinksFromEnv({ FAKE_SINK: 'x' }, [factory]).sinks.map((s) => s.name)).toEqual(['fake']);
  });

  it('names a bad setting instead of failing the run, and falls back to the default flush timeout', () => {
    const delivery = sinksFromEnv({ FAKE_SINK: 'bad', TELEMETRY_FLUSH_TIMEOUT_SECONDS: 'soon' }, [factory]);
    expect(delivery.sinks).toEqual([]);
    expect(delivery.flushTimeoutMs).toBe(DEFAULT_FLUSH_TIMEOUT_MS);
    expect(delivery.problems).toEqual(['TELEMETRY_FLUSH_TIMEOUT_SECONDS: "soon" is not a number of seconds between 0 and 120; using 5 s', 'FAKE_SINK: "bad" is not a URL']);
    expect(sinksFromEnv({ TELEMETRY_FLUSH_TIMEOUT_SECONDS: '1.5' }, [factory]).flushTimeoutMs).toBe(1500);
  });

  it('refuses an offline-storage setting that is neither on nor off, naming it', () => {
    const delivery = sinksFromEnv({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x', TELEMETRY_OFFLINE_STORAGE: 'maybe' });
    expect(delivery.sinks).toEqual([]);
    expect(delivery.problems).toEqual(['TELEMETRY_OFFLINE_STORAGE: "maybe" is neither "on" nor "off"']);
  });
});
