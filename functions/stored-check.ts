/**
 * `GET /api/check?source=stored`: the report rebuilt from the per-mailbox state in Table Storage,
 * without touching Key Vault, Entra ID or Exchange. Same body and status codes as the live check
 * (200 ok/degraded, 503 when a stored result failed, 400 unknown mailbox, 500 bad config or
 * Storage unreachable); configured mailboxes without a result are listed in `notChecked`.
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ConfigError, configFailure } from '../shared/config/config-error';
import { stateStoreFromSettings } from '../shared/report/state-sink';
import { UnknownMailboxError } from '../shared/run/plan';
import { storedReport, withUptime } from '../shared/state/stored-report';
import { uptimeOfRows } from '../shared/state/uptime-read';
import { StorageSettingsError } from '../shared/storage/storage-account';
import { planFromSettings } from './run-from-settings';

const NO_STORE = { 'cache-control': 'no-store' };

export async function storedCheck(only: string[], context: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<HttpResponseInit> {
  let mailboxes: { id: string; address: string; app: string }[];
  try {
    mailboxes = planFromSettings(only, env).mailboxes.map((m) => ({ id: m.id, address: m.address, app: m.app.id }));
  } catch (error) {
    if (error instanceof ConfigError) {
      context.error(error.message);
      return { status: 500, headers: NO_STORE, jsonBody: { status: 'unknown', failure: configFailure(error) } };
    }
    // Typed, not recognised by its message; the same body as the live check's 400 (#11.11).
    if (error instanceof UnknownMailboxError) return { status: 400, headers: NO_STORE, jsonBody: { status: 'unknown', failure: error.failure('mailbox') } };
    throw error;
  }
  try {
    const rows = await stateStoreFromSettings(env).list();
    // Not inside a Storage error's message: one row that cannot be read is that mailbox's
    // `notChecked` reason (toLatestRow), never a 500 for every mailbox (#16.12); one bad tally is
    // that mailbox's `uptime.unreadable` entry.
    const report = withUptime(storedReport(mailboxes, rows), uptimeOfRows(mailboxes.map((m) => m.id), rows, env));
    return { status: report.status === 'failed' ? 503 : 200, headers: NO_STORE, jsonBody: report };
  } catch (error) {
    const message = error instanceof StorageSettingsError ? error.message : `the stored state could not be read from Table Storage: ${(error as Error).message}`;
    context.error(message);
    return { status: 500, headers: NO_STORE, jsonBody: { status: 'unknown', failure: { code: 'INTERNAL', phase: 'run', kind: 'internal', message, remedy: 'Check the Function App\'s Storage settings (AzureWebJobsStorage__accountName) and that its identity has Storage Table Data Contributor on the account.' } } };
  }
}
