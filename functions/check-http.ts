/**
 * HTTP trigger: GET /api/check[?mailbox=id&mailbox=id], for people and for uptime tools (Azure's
 * URL ping test, Uptime Kuma, Pingdom), which read the status code: 200 when the run is ok or
 * degraded, 503 when a mailbox failed, 400 for an unknown mailbox id, 500 for a bad configuration
 * (or a monitor bug). The body is always the report (docs/ARCHITECTURE.md, "Result contract"), never cached by anyone
 * in between.
 *
 * Every request is answered from one shared run of all mailboxes (RecentRun): concurrent requests
 * share the run in flight, and a run younger than HTTP_MIN_INTERVAL_SECONDS (default 60) is
 * answered from memory with an `Age` header. `?mailbox=` narrows the answer, not the run, so no
 * choice of query string can start more than one run per interval.
 *
 * `?source=stored` answers from the per-mailbox state in Table Storage instead (stored-check.ts):
 * no run at all, the same contract, for dashboards that poll often.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { ConfigError, configFailure } from '../shared/config/config-error';
import { excerpt } from '../shared/config/fields';
import type { RunReport } from '../shared/contract/result';
import { RecentRun } from '../shared/run/recent-run';
import { UnknownMailboxError } from '../shared/run/plan';
import { narrowReport } from '../shared/run/narrow-report';
import { checkAndDeliver, planFromSettings } from './run-from-settings';
import { storedCheck } from './stored-check';
import { inertContext } from './inert-context';

export const MIN_INTERVAL_SETTING = 'HTTP_MIN_INTERVAL_SECONDS';
const DEFAULT_MIN_INTERVAL_S = 60;
const recent = new RecentRun<RunReport>();
const NO_STORE = { 'cache-control': 'no-store' };

export function minIntervalMs(env: NodeJS.ProcessEnv, warn: (message: string) => void): number {
  const text = env[MIN_INTERVAL_SETTING]?.trim();
  if (!text) return DEFAULT_MIN_INTERVAL_S * 1000;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0 && seconds <= 86_400) return seconds * 1000;
  warn(`${MIN_INTERVAL_SETTING}: "${text}" is not a number of seconds between 0 and 86400; using ${DEFAULT_MIN_INTERVAL_S}`);
  return DEFAULT_MIN_INTERVAL_S * 1000;
}

/** A bad `?source=`: the request configures the answer, so CONFIG_INVALID, as for `?mailbox=`. */
function sourceFailure(problem: string) {
  const message = `source: ${problem}`;
  return { code: 'CONFIG_INVALID', phase: 'config', kind: 'config', message, remedy: 'Leave ?source= out (or ?source=live) for a live check, or ask ?source=stored for the stored results.', problems: [{ path: 'source', message: problem }] };
}

function failureResponse(status: number, failure: object): HttpResponseInit {
  return { status, headers: NO_STORE, jsonBody: { status: 'unknown', failure } };
}

export async function checkHttp(request: HttpRequest, hostContext: InvocationContext): Promise<HttpResponseInit> {
  const context = inertContext(hostContext);
  const only = [...new Set(request.query.getAll('mailbox'))];
  const sources = request.query.getAll('source');
  const source = sources[0] ?? 'live';
  // Refused in the documented failure shape, the value quoted by its start only (#16.9).
  if (sources.length > 1) return failureResponse(400, sourceFailure(`is given ${sources.length} times: give it once`));
  if (source === 'stored') return storedCheck(only, context);
  if (source !== 'live') return failureResponse(400, sourceFailure(`"${excerpt(source)}" is neither "live" nor "stored"`));
  try {
    // Unknown ids are refused before any run; a bad config is left to the run, which reports it.
    planFromSettings(only);
  } catch (error) {
    if (error instanceof UnknownMailboxError) {
      // The same body as every other refusal: { status, failure: { code, phase, kind, message, remedy } }.
      return failureResponse(400, error.failure('mailbox'));
    }
    if (!(error instanceof ConfigError)) throw error;
  }
  try {
    const interval = minIntervalMs(process.env, (m) => context.warn(m));
    const shared = await recent.get(process.env.MAILBOX_HEALTH_CONFIG ?? '', interval, async () => (await checkAndDeliver('http', context)).report);
    const report = narrowReport(shared.value, only);
    return {
      status: report.status === 'failed' ? 503 : 200,
      headers: { ...NO_STORE, ...(shared.reused ? { age: String(Math.floor(shared.ageMs / 1000)) } : {}) },
      jsonBody: report,
    };
  } catch (error) {
    if (error instanceof ConfigError) {
      context.error(error.message);
      return failureResponse(500, configFailure(error));
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    context.error(`internal error: ${message}`);
    return failureResponse(500, { code: 'INTERNAL', phase: 'run', kind: 'internal', message, remedy: 'A bug in the monitor: please report it with this message.' });
  }
}

app.http('checkHttp', { route: 'check', methods: ['GET'], authLevel: 'function', handler: checkHttp });
