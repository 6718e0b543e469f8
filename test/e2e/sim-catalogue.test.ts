/**
 * Every failure and warning code through the real SDKs and the simulated tenant, in one run
 * where healthy mailboxes sit next to broken ones.
 */
import { renderTable } from '../../shared/report/table';
import type { RunReport } from '../../shared/contract/result';
import { PHASES } from '../../shared/contract/codes';
import type { SimTenant } from '../../sim/tenant';
import { MAILBOXES, ENV_SECRET, clientOf, MONITOR_SECRET, catalogueConfig, catalogueScenario, type Endpoints } from './catalogue';
import { closedPort, plainImapServer, untrustedTlsServer } from './net-helpers';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
let endpoints: Endpoints;
let report: RunReport;
let secretReads: number;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  const untrusted = await untrustedTlsServer();
  const plain = await plainImapServer();
  stops.push(untrusted.stop, plain.stop);
  endpoints = {
    authorityHost: tenant.entra.url,
    keyVaultUrl: tenant.vault.url,
    imapPort: tenant.imap.port,
    ports: { CLOSED: await closedPort(), UNTRUSTED: untrusted.port, PLAIN: plain.port },
  };
  const run = await runAgainst(catalogueConfig(endpoints), { env: { CATALOGUE_ENV_SECRET: ENV_SECRET } });
  report = run.report;
  secretReads = run.stats.secretReads;
});

afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  await tenant?.stop();
});

describe('the catalogue run', () => {
  it.each(MAILBOXES.map(([id, , , , expected]) => [id, expected] as const))('%s is diagnosed as expected', (id, expected) => {
    const result = byId(report)[id]!;
    expect(result).toBeDefined();
    expect({ status: result.status, code: result.failure?.code, phase: expected.phase ? result.failure?.phase : undefined }).toEqual({
      status: expected.status,
      code: expected.code,
      phase: expected.phase,
    });
    if (expected.warnings) expect(result.warnings.map((w) => w.code).sort()).toEqual([...expected.warnings].sort());
    const remedies = [result.failure?.remedy ?? '', ...result.warnings.map((w) => w.remedy ?? '')].join('\n');
    for (const value of expected.remedy ?? []) expect(remedies).toContain(value);
    // The contract: every phase key present, a number when reached, null when not.
    expect(Object.keys(result.phases).sort()).toEqual([...PHASES].sort());
    if (result.status !== 'failed') {
      for (const phase of PHASES) expect(typeof result.phases[phase]).toBe('number');
      expect(result.folder).toMatchObject({ name: expect.any(String), messages: expect.any(Number), unseen: expect.any(Number) });
    }
  });

  it('fills the result contract for a healthy mailbox', () => {
    const ok = byId(report).ok1!;
    expect(ok.folder).toEqual({ name: 'INBOX', messages: 2, unseen: 1, oldestUnseenMinutes: 7 });
    expect(ok.token).toMatchObject({ roles: ['IMAP.AccessAsApp'], audience: 'https://outlook.office365.com', objectId: expect.stringMatching(/^0000/) });
    expect(new Date(ok.checkedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(ok.durationMs).toBeGreaterThan(0);
    expect(ok.failure).toBeUndefined();
  });

  it("gives every mailbox whose secret was read that secret's facts and countdown (never its value); null where it could not be read", () => {
    for (const result of report.results) {
      const read = result.phases.secret !== null && result.failure?.phase !== 'secret';
      expect([result.mailbox, result.secret === null]).toEqual([result.mailbox, !read]);
      if (!result.secret) continue;
      expect(Object.keys(result.secret).sort()).toEqual(['daysLeft', 'expiresOn', 'name', 'source']);
      if (result.secret.expiresOn) expect(result.secret.daysLeft).toBe(Math.floor((Date.parse(result.secret.expiresOn) - Date.parse(result.checkedAt)) / 86_400_000));
      else expect(result.secret.daysLeft).toBeNull();
    }
    // The expiring secret's countdown is the one its warning carries.
    const expiring = byId(report).expiring!;
    expect(expiring.secret!.daysLeft).toBe(expiring.warnings.find((w) => w.code === 'SECRET_EXPIRING')!.daysLeft);
    expect(report.results.some((r) => r.secret === null)).toBe(true);
  });

  it('counts the run and reports the worst status', () => {
    expect(report.status).toBe('failed');
    const expectedFailed = MAILBOXES.filter(([, , , , e]) => e.status === 'failed').length;
    expect(report.counts).toEqual({ total: MAILBOXES.length, ok: 3, degraded: 4, failed: expectedFailed });
  });

  it('names the phase a token failure stopped at and leaves later phases null', () => {
    const failed = byId(report).noconsent!;
    expect(failed.phases.secret).toEqual(expect.any(Number));
    expect(failed.phases.token).toEqual(expect.any(Number));
    expect([failed.phases.connect, failed.phases.auth, failed.phases.folder, failed.phases.logout]).toEqual([null, null, null, null]);
    expect(failed.token?.roles).toEqual([]);
  });

  it('reads each vault secret once, however many mailboxes share it', () => {
    const reads = [...tenant.vault.stats.secretReads.entries()];
    expect(reads.every(([, count]) => count === 1)).toBe(true);
    expect(tenant.vault.stats.secretReads.get('good-secret')).toBe(1);
    expect(secretReads).toBe(reads.length);
  });

  it('requests one token per app (the one Entra keeps answering 503: three, the retry bound) and never calls discovery', () => {
    const repeated = [...tenant.entra.stats.tokenRequests.entries()].filter(([, n]) => n > 1);
    expect(repeated).toEqual([[clientOf('unavailable'), 3]]);
    expect(tenant.entra.stats.discoveryRequests).toBe(0);
    expect(tenant.entra.stats.tokenRequests.size).toBeGreaterThan(10);
  });

  it('leaks no secret value or token into the report or the table', () => {
    const scenario = catalogueScenario();
    const secrets = [...scenario.apps.map((a) => a.secret), ...scenario.vault.secrets.map((s) => s.value), ENV_SECRET, MONITOR_SECRET];
    const outputs = [JSON.stringify(report), renderTable(report, false), renderTable(report, true)];
    for (const text of outputs) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/eyJ[\w-]{10,}\./);
    }
  });
});
