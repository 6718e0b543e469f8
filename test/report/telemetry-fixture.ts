/**
 * The simulated tenant plus a local Application Insights ingestion endpoint, and a config with an
 * ok (ok1), a degraded (backlog) and a failed (nogrant) mailbox, and five mailboxes whose app
 * shares one expiring Key Vault secret (expiring, exp2..exp5).
 */
import { InvocationContext } from '@azure/functions';
import { checkTimer } from '../../functions/check-timer';
import type { ConfigInput } from '../../shared/config/schema';
import { trustedSimCa } from '../../sim/ca';
import { startIngestionServer, type Envelope, type IngestionServer } from '../../sim/ingestion-server';
import type { SimTenant } from '../../sim/tenant';
import { ENV_SECRET, MONITOR_SECRET, catalogueConfig, catalogueScenario } from '../e2e/catalogue';
import { startTenant } from '../e2e/sim-harness';

export const SHARED_SECRET_MAILBOXES = ['expiring', 'exp2', 'exp3', 'exp4', 'exp5'];

export interface TelemetryWorld {
  tenant: SimTenant;
  ingestion: IngestionServer;
  config: ConfigInput;
  stop(): Promise<void>;
}

export async function startTelemetryWorld(): Promise<TelemetryWorld> {
  const tenant = await startTenant(catalogueScenario());
  const ingestion = await startIngestionServer(trustedSimCa());
  const config = catalogueConfig(
    { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } },
    (id) => ['ok1', 'backlog', 'nogrant', 'expiring'].includes(id),
  );
  const expiring = config.mailboxes.find((m) => m.id === 'expiring')!;
  // Four more config entries for the same Exchange mailbox: the same app, so the same vault secret.
  config.mailboxes.push(...SHARED_SECRET_MAILBOXES.slice(1).map((id) => ({ ...expiring, id })));
  return { tenant, ingestion, config, stop: async () => void (await Promise.all([tenant.stop(), ingestion.stop()])) };
}

export const AVAILABILITY = 'Microsoft.ApplicationInsights.Availability';
export const EVENT = 'Microsoft.ApplicationInsights.Event';
export const EXCEPTION = 'Microsoft.ApplicationInsights.Exception';

export const ofType = (envelopes: Envelope[], type: string) => envelopes.filter((e) => e.name === type).map((e) => e.data.baseData);
export const eventsNamed = (envelopes: Envelope[], name: string) => ofType(envelopes, EVENT).filter((d) => d.name === name);

/** Every secret value of the catalogue tenant, and anything shaped like a JWT. */
export function expectNoSecrets(text: string): void {
  const scenario = catalogueScenario();
  for (const secret of [...scenario.apps.map((a) => a.secret), ...scenario.vault.secrets.map((s) => s.value), ENV_SECRET, MONITOR_SECRET]) {
    expect(text).not.toContain(secret);
  }
  expect(text).not.toMatch(/eyJ[\w-]{10,}\./);
}

/** The settings that make the monitor report to `ingestion` (no offline storage in tests). */
export function reportingEnv(connectionString: string, flushTimeoutSeconds = 5): Record<string, string> {
  return { APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString, TELEMETRY_OFFLINE_STORAGE: 'off', TELEMETRY_FLUSH_TIMEOUT_SECONDS: String(flushTimeoutSeconds) };
}

/**
 * checkTimer called as the Functions host calls it: the warnings it logged, and how long it went
 * on after its report was out (it logs the run's summary line then, before delivery).
 */
export async function timedTimerRun(invocationId: string): Promise<{ warnings: string[]; reported: boolean; afterReportMs: number }> {
  const warnings: string[] = [];
  let reportedAt = 0;
  const context = new InvocationContext({
    invocationId,
    functionName: 'checkTimer',
    logHandler: (level, ...args) => {
      const line = args.join(' ');
      if (/^run (ok|degraded|failed):/.test(line)) reportedAt = performance.now();
      if (level === 'warning') warnings.push(line);
    },
  });
  await checkTimer({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, context);
  return { warnings, reported: reportedAt > 0, afterReportMs: Math.round(performance.now() - reportedAt) };
}
