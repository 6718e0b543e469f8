/**
 * Issue 16, items 3 and 4 (Graph's side): Microsoft Graph's answers are input. A date that is not
 * one, a missing end date, a body that is not an application are the run's one
 * CREDENTIAL_EXPIRY_UNREAD naming the field — never INTERNAL for every mailbox, never a wrong date,
 * never "no secrets" — and its texts (display names, error messages) enter clipped.
 */
import { ClientSecretCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import { renderTable } from '../../shared/report/table';
import { sweepExitCode, sweepExpiry } from '../../shared/run/expiry-sweep';
import { planRun } from '../../shared/run/plan';
import type { Scenario } from '../../sim/scenario';
import type { SimTenant } from '../../sim/tenant';
import { runAgainst, startTenant } from '../e2e/sim-harness';
import { entraConfig, entraScenario, MONITOR, TENANT } from './entra-fixture';

let tenant: SimTenant;
beforeAll(async () => {
  tenant = await startTenant(entraScenario());
});
afterAll(async () => {
  await tenant.stop();
});

const credential = () => new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });
const IMPORTER_SECRET_IN_USE = 1; // passwordCredentials[1] is the importer's secret in use (entra-fixture)

/** The importer's application as Graph sends it, changed by `change`; the archiver's untouched. */
function scenario(change: (app: Record<string, unknown>) => unknown, inUseEndsInDays = 10): Scenario {
  const s = entraScenario({ inUseEndsInDays });
  s.graph = { rewriteApplication: (app) => (app.displayName === 'Importer' ? change(structuredClone(app)) : app) };
  return s;
}
const inUse = (app: Record<string, unknown>) => (app.passwordCredentials as Record<string, unknown>[])[IMPORTER_SECRET_IN_USE]!;

async function run(s: Scenario) {
  tenant.scenario = s;
  return (await runAgainst(entraConfig(tenant), { vaultCredential: credential() })).report;
}

describe('#16.3 a malformed Graph answer is an unread credential, naming the field', () => {
  const cases: [string, (app: Record<string, unknown>) => unknown, string][] = [
    ['endDateTime "not-a-date"', (app) => ((inUse(app).endDateTime = 'not-a-date'), app), `passwordCredentials[${IMPORTER_SECRET_IN_USE}].endDateTime must be a date (ISO 8601)`],
    ['endDateTime null', (app) => ((inUse(app).endDateTime = null), app), `passwordCredentials[${IMPORTER_SECRET_IN_USE}].endDateTime must be a date (ISO 8601)`],
    ['a 200 whose body is a string', () => 'Service temporarily unavailable', 'the answer must be an application object (string)'],
    ['passwordCredentials not a list', (app) => ({ ...app, passwordCredentials: 'none' }), 'passwordCredentials must be a list'],
    ['a keyCredential date 2026-13-45', (app) => (((app.keyCredentials as Record<string, unknown>[])[0]!.endDateTime = '2026-13-45T00:00:00Z'), app), 'keyCredentials[0].endDateTime must be a date (ISO 8601)'],
  ];
  test.each(cases)('#16.3 %s: no INTERNAL, no wrong date; one CREDENTIAL_EXPIRY_UNREAD naming the field', async (_what, change, says) => {
    const report = await run(scenario(change, 200));
    expect(report.results.map((r) => r.failure?.code)).toEqual([undefined, undefined, undefined]);
    expect(report.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(JSON.stringify(report)).not.toMatch(/1970|Invalid time value|Invalid Date/);
    expect(report.warnings?.map((w) => w.code)).toEqual(['CREDENTIAL_EXPIRY_UNREAD']);
    expect(report.warnings![0]!.message).toContain(says);
    expect(report.warnings![0]!.remedy).toContain('not with an application as documented');
  });

  test('#16.3 (twin) the same answer untouched dates the secret in use: CREDENTIAL_EXPIRING in 10 days, no run warning', async () => {
    const report = await run(scenario((app) => app));
    expect(report.results[0]!.warnings.map((w) => w.code)).toContain('CREDENTIAL_EXPIRING');
    expect(report.warnings).toBeUndefined();
  });

  test('#16.3 the expiry sweep does not crash on "not-a-date": the app is dated from Key Vault, the run says Entra was unread', async () => {
    tenant.scenario = scenario((app) => ((inUse(app).endDateTime = 'not-a-date'), app));
    const report = await sweepExpiry(planRun(parseConfig(entraConfig(tenant), 'test')), { vaultCredential: credential() });
    expect(sweepExitCode(report)).not.toBe(3);
    expect(report.credentials.map((c) => c.failure?.code)).toEqual([undefined, undefined]);
    expect(report.warnings?.map((w) => w.code)).toEqual(['CREDENTIAL_EXPIRY_UNREAD']);
  });
});

describe('#16.4 Graph texts enter clipped', () => {
  test('#16.4 a 5 MB display name makes no 5 MB report: the name is clipped to a line where it enters', async () => {
    const huge = `Importer ${'x'.repeat(5 * 1024 * 1024)}`;
    const report = await run(scenario((app) => ({ ...app, displayName: huge })));
    const json = JSON.stringify(report);
    expect(json.length).toBeLessThan(50_000);
    const expiring = report.results[0]!.warnings.find((w) => w.code === 'CREDENTIAL_EXPIRING')!;
    expect(expiring.message).toContain('of app Importer …');
    expect(expiring.message.length).toBeLessThan(700);
  });

  test('#16.4 a 100 KB Graph error is a short line in the run\'s warning and the table', async () => {
    const s = entraScenario({ inUseEndsInDays: 200 });
    s.graph = { applicationError: { status: 500, code: 'generalException', message: `Upstream failure ${'lorem ipsum '.repeat(9000)}` } };
    // 500s are retried: keep the test quick with one read per app that fails fast anyway.
    const report = await run(s);
    const message = report.warnings![0]!.message;
    expect(message).toContain('Graph answered 500 generalException: Upstream failure lorem ipsum');
    expect(message.length).toBeLessThan(600);
    expect(Math.max(...renderTable(report).split('\n').map((l) => l.length))).toBeLessThan(700);
  });

  test('#16.4 (twin) a short display name and error message arrive whole', async () => {
    const report = await run(scenario((app) => ({ ...app, displayName: 'Importer (prod)' })));
    expect(report.results[0]!.warnings.find((w) => w.code === 'CREDENTIAL_EXPIRING')!.message).toContain('of app Importer (prod) expires');
  });
});
