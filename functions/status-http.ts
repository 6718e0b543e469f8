/**
 * HTTP trigger: `GET /api/status`, the operators' status page (function key, like /api/check),
 * rendered from the stored state (status-page.ts) without touching Microsoft 365. Sent with a
 * Content-Security-Policy that lets only the page's own filter script run, and no referrer, so
 * the function key in the URL never leaves with a click.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { stateStoreFromSettings } from '../shared/report/state-sink';
import { CONTENT_SECURITY_POLICY, esc, renderStatusPage, type PageMailbox } from '../shared/status/status-page';
import { activeMaintenance, nextMaintenance } from '../shared/run/maintenance';
import { uptimeOfRows } from '../shared/state/uptime-read';
import { configFromSettings, planFromSettings } from './run-from-settings';
import { inertContext } from './inert-context';

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function errorPage(status: number, message: string): HttpResponseInit {
  return { status, headers: HEADERS, body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>Mailbox health: unavailable</title><h1>Mailbox health is unavailable</h1><p>${esc(message)}</p></html>` };
}

export function staleMinutes(env: NodeJS.ProcessEnv): number {
  const value = Number(env.STATUS_STALE_MINUTES || 30);
  return Number.isFinite(value) && value > 0 ? value : 30;
}

export async function statusHttp(_request: HttpRequest, hostContext: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<HttpResponseInit> {
  const context = inertContext(hostContext);
  let mailboxes: PageMailbox[];
  let secretExpiryDays: number;
  const now = new Date();
  try {
    mailboxes = planFromSettings([], env).mailboxes.map((m) => {
      const maintenance = activeMaintenance(m.maintenance, now);
      const planned = maintenance ? undefined : nextMaintenance(m.maintenance, now);
      return { id: m.id, address: m.address, app: m.app.id, ...(maintenance ? { maintenance } : {}), ...(planned ? { plannedMaintenance: planned } : {}) };
    });
    secretExpiryDays = configFromSettings(env).config.thresholds.secretExpiryDays;
  } catch (error) {
    context.error((error as Error).message);
    return errorPage(500, `The configuration (app setting MAILBOX_HEALTH_CONFIG) is not valid: ${(error as Error).message}`);
  }
  let rows: Awaited<ReturnType<ReturnType<typeof stateStoreFromSettings>['list']>>;
  try {
    rows = await stateStoreFromSettings(env).list();
  } catch (error) {
    context.error(`status page: ${clip((error as Error).message)}`);
    return errorPage(500, `The stored state could not be read from Table Storage: ${clip((error as Error).message)}`);
  }
  // From the rows' tallies: no history read, whatever the fleet's size or check frequency.
  const uptime = uptimeOfRows(mailboxes.map((m) => m.id), rows, env, now);
  if (uptime instanceof Error) context.warn(`status page: uptime: ${clip(uptime.message)}`);
  // A row that cannot be trusted is one mailbox shown as unreadable (toLatestRow); what still
  // fails here is the monitor's own bug, and is not blamed on Table Storage (#16.12).
  try {
    return { status: 200, headers: HEADERS, body: renderStatusPage(mailboxes, rows, { now, secretExpiryDays, staleMinutes: staleMinutes(env), ...(uptime instanceof Error ? { uptimeProblem: uptime.message } : { uptime }) }) };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    context.error(`status page: internal error: ${clip(message)}`);
    return errorPage(500, `The status page could not be rendered (a bug in the monitor, please report it): ${clip(message)}`);
  }
}

/** An error's text on the page and in the log: the start of it (Storage errors can be long). */
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

app.http('statusHttp', { route: 'status', methods: ['GET'], authLevel: 'function', handler: (request, context) => statusHttp(request, context) });
