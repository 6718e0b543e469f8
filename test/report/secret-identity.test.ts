/**
 * SecretExpiring names its secret the same way from a check's run and from the daily expiry sweep,
 * for both kinds of secret location (a Key Vault secret, an environment variable): `secretName`
 * and `vault` are the credential alert's dimensions and the workbook's row key, so any difference
 * is a second alert for one secret (issue 15, item 11). Plain data through the telemetry builder;
 * the same over the wire, with the queries run on it, is in test/infra/kql-queries.test.ts.
 */
import type { CheckResult, RunReport } from '../../shared/contract/result';
import { describeLocation, type SecretLocation } from '../../shared/credentials/secret';
import { runTelemetry, sweepEvents } from '../../shared/report/app-insights-telemetry';
import { EVENTS, PROPS } from '../../shared/report/telemetry-names';
import type { ExpiryReport, CredentialResult } from '../../shared/run/expiry-sweep';
import type { RunPlan } from '../../shared/run/plan';
import type { RunContext } from '../../shared/report/sink';

const run: RunContext = { runId: 'r', trigger: 'timer', location: 'here', host: 'h', version: '0' };
const warning = { code: 'SECRET_EXPIRING' as const, message: 'expires in 4 days', daysLeft: 4, expiresOn: '2026-12-08T00:00:00.000Z' };

function world(secret: SecretLocation) {
  const app = { id: 'importer', tenantId: 't', clientId: 'c', displayName: 'Importer', secret };
  const plan = { mailboxes: ['invoices', 'hr'].map((id) => ({ id, address: `${id}@x`, host: 'imap', port: 993, folder: 'INBOX', app, backlogUnseen: 1, backlogOldestMinutes: 1 })) } as unknown as RunPlan;
  const result = (mailbox: string) => ({ mailbox, address: `${mailbox}@x`, app: 'importer', status: 'degraded', warnings: [warning], phases: { secret: 1, token: 1, connect: 1, auth: 1, folder: 1, logout: 1 }, folder: null, token: null, checkedAt: '', durationMs: 5 }) as unknown as CheckResult;
  const report = { startedAt: '', durationMs: 5, status: 'degraded', counts: { total: 2, ok: 0, degraded: 2, failed: 0 }, results: [result('invoices'), result('hr')] } as RunReport;
  // The sweep's own description of the secret (what its SecretExpiring used to carry as secretName).
  const credential = { app: 'importer', clientId: 'c', tenantId: 't', secret: describeLocation(secret), status: 'degraded', warnings: [warning], vaultExpiresOn: null, entra: null, mailboxes: ['invoices', 'hr'], checkedAt: '', durationMs: 5 } as CredentialResult;
  const sweep = { startedAt: '', durationMs: 5, status: 'degraded', counts: { total: 1, ok: 0, degraded: 1, failed: 0 }, credentials: [credential] } as ExpiryReport;
  return { plan, report, sweep };
}

const identity = (properties: Record<string, string>) => ({ secretName: properties[PROPS.secretName], vault: properties[PROPS.vault] });

describe('one secret, one identity, whichever path sends SecretExpiring', () => {
  it.each([
    ['a Key Vault secret', { vaultUrl: 'https://kv.vault.azure.net', name: 'importer-secret' }, { secretName: 'importer-secret', vault: 'https://kv.vault.azure.net' }],
    ['an environment variable', { env: 'IMPORTER_SECRET' }, { secretName: 'IMPORTER_SECRET', vault: 'environment variable IMPORTER_SECRET' }],
  ] as const)('%s', (_, location, expected) => {
    const { plan, report, sweep } = world(location);
    const fromChecks = runTelemetry(report, plan, run).events.filter((e) => e.name === EVENTS.secretExpiring);
    const fromSweep = sweepEvents(sweep, plan, run);
    expect(fromChecks).toHaveLength(1);
    expect(fromSweep).toHaveLength(1);
    expect(identity(fromChecks[0].properties)).toEqual(expected);
    expect(identity(fromSweep[0].properties)).toEqual(expected);
  });
});
