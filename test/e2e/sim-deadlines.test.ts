/**
 * What stalls and what the monitor itself breaks: timeouts name the phase that stalled, the
 * mailbox deadline cuts a hung step, a monitor bug becomes INTERNAL without touching the others.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario, TENANT, type Endpoints } from './catalogue';
import { closedPort } from './net-helpers';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
let endpoints: Endpoints;
const onlyOk1 = (id: string) => id === 'ok1';

beforeAll(async () => {
  const scenario = catalogueScenario();
  scenario.exchange.mailboxes.push(
    { address: 'silent@catalogue.example', fullAccess: [scenario.apps[0]!.servicePrincipalObjectId], folders: [{ name: 'INBOX', messages: [] }], fault: 'hang-greeting' },
    { address: 'stuck@catalogue.example', fullAccess: [scenario.apps[0]!.servicePrincipalObjectId], folders: [{ name: 'INBOX', messages: [] }], fault: 'hang-after-auth' },
  );
  scenario.apps.push({ ...scenario.apps[0]!, clientId: '0000abcd-0000-4000-8000-00000000abcd', tokenFault: 'hang', displayName: 'hangs' });
  scenario.vault.secrets.push({ name: 'hangs-secret', value: scenario.apps[0]!.secret, expiresOn: new Date(Date.now() + 100 * 86_400_000) });
  tenant = await startTenant(scenario);
  endpoints = { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: await closedPort(), UNTRUSTED: 0, PLAIN: 0 } };
});

afterAll(async () => {
  await tenant?.stop();
});

function baseConfig() {
  const config = catalogueConfig(endpoints, onlyOk1);
  config.apps.push({ id: 'hangs', tenantId: TENANT, clientId: '0000abcd-0000-4000-8000-00000000abcd', credential: { keyVaultSecret: 'hangs-secret' } });
  return config;
}

describe('timeouts and deadlines', () => {
  it('names the stalled IMAP phase, cuts a hung token request, and keeps the healthy mailbox ok', async () => {
    const config = baseConfig();
    config.timeouts = { connectMs: 400, imapCommandMs: 400, tokenMs: 400, checkMs: 5000 };
    config.mailboxes.push(
      { id: 'silent', address: 'silent@catalogue.example', app: 'good', port: tenant.imap.silentPort },
      { id: 'stuck', address: 'stuck@catalogue.example', app: 'good' },
      { id: 'hung-token', address: 'ok1@catalogue.example', app: 'hangs' },
    );
    const started = Date.now();
    const { report } = await runAgainst(config);
    const results = byId(report);
    expect(results.ok1!.status).toBe('ok');
    expect(results.silent!.failure).toMatchObject({ code: 'IMAP_TIMEOUT', phase: 'connect', kind: 'timeout' });
    expect(results.silent!.failure!.remedy).toContain(`-Port ${tenant.imap.silentPort}`);
    expect(results.stuck!.failure).toMatchObject({ code: 'IMAP_TIMEOUT', phase: 'folder' });
    expect(results['hung-token']!.failure).toMatchObject({ code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', kind: 'network' });
    expect(results['hung-token']!.failure!.message).toMatch(/ETIMEDOUT/);
    // Three 400 ms budgets ran concurrently: the run is not their sum, nor any library default.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('the mailbox deadline ends a check whose step would take longer (CHECK_TIMEOUT, with the phase)', async () => {
    const config = baseConfig();
    config.timeouts = { tokenMs: 10_000, checkMs: 700 };
    config.mailboxes.push({ id: 'hung-token', address: 'ok1@catalogue.example', app: 'hangs' });
    const { report } = await runAgainst(config);
    const results = byId(report);
    expect(results['hung-token']!.failure).toMatchObject({ code: 'CHECK_TIMEOUT', phase: 'token', kind: 'timeout' });
    expect(results['hung-token']!.failure!.remedy).toContain('timeouts.checkMs');
    expect(results['hung-token']!.durationMs).toBeLessThan(2000);
    expect(results.ok1!.status).toBe('ok');
  });

  it('the run deadline ends the checks still waiting, and the report says it is partial', async () => {
    const config = baseConfig();
    config.concurrency = 1;
    config.timeouts = { tokenMs: 10_000, checkMs: 10_000, runMs: 800 };
    config.mailboxes = [{ id: 'hung-token', address: 'ok1@catalogue.example', app: 'hangs' }, { id: 'later', address: 'ok1@catalogue.example', app: 'good' }];
    const { report } = await runAgainst(config);
    expect(report.results.map((r) => [r.mailbox, r.failure?.code])).toEqual([
      ['hung-token', 'CHECK_TIMEOUT'],
      ['later', 'CHECK_TIMEOUT'],
    ]);
    expect(report.results[0]!.failure!.message).toMatch(/run's deadline/);
    expect(report.durationMs).toBeLessThan(2500);
    // Issue 10, lifecycle: a run that cannot finish in time reports what it has, marked partial;
    // the mailbox never started says so (phase "run"), not "during secret".
    expect(report.partial).toEqual({ reason: 'deadline', message: "the run's deadline (timeouts.runMs) was reached: 1 of 2 mailbox(es) checked", notChecked: ['later'] });
    expect(report.results[1]!.failure).toMatchObject({ phase: 'run', message: "not checked: the run's deadline (timeouts.runMs) was reached before its turn" });
    expect(report.results[1]!.failure!.remedy).toContain('keep timeouts.runMs below the Functions timeout');
  });

  it('an unreachable vault is SECRET_SOURCE_UNREACHABLE; the reachable one still works', async () => {
    const config = baseConfig();
    config.apps.push({ id: 'novault', tenantId: TENANT, clientId: config.apps[0]!.clientId, credential: { keyVaultSecret: 'good-secret', keyVaultUrl: `https://127.0.0.1:${endpoints.ports.CLOSED}` } });
    config.mailboxes.push({ id: 'novault', address: 'ok1@catalogue.example', app: 'novault' });
    const { report } = await runAgainst(config);
    const results = byId(report);
    expect(results.novault!.failure).toMatchObject({ code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', kind: 'network' });
    expect(results.novault!.failure!.remedy).toContain('az keyvault network-rule list');
    expect(results.ok1!.status).toBe('ok');
  });

  it('an unreachable authority is TOKEN_ENDPOINT_UNREACHABLE with the socket code kept', async () => {
    const config = baseConfig();
    config.cloud = { authorityHost: `https://127.0.0.1:${endpoints.ports.CLOSED}`, imapResource: 'https://outlook.office365.com' };
    const { report } = await runAgainst(config);
    expect(report.results[0]!.failure).toMatchObject({ code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token' });
    expect(report.results[0]!.failure!.message).toMatch(/ECONNREFUSED/);
  });

  it('a resource the tenant does not have (AADSTS500011) is TOKEN_INVALID_SCOPE, and the remedy names the Exchange resource', async () => {
    const config = baseConfig();
    config.cloud = { authorityHost: endpoints.authorityHost, imapResource: 'https://imap.unknown-resource.example' };
    const { report } = await runAgainst(config);
    expect(report.results[0]!.failure).toMatchObject({ code: 'TOKEN_INVALID_SCOPE', phase: 'token', kind: 'config' });
    expect(report.results[0]!.failure!.message).toMatch(/AADSTS500011/);
    expect(report.results[0]!.failure!.remedy).toContain('Set it to https://outlook.office365.com');
  });

  it('a Microsoft Graph imapResource is TOKEN_WRONG_AUDIENCE (judged against Exchange Online), not a missing consent', async () => {
    const config = baseConfig();
    config.cloud = { authorityHost: endpoints.authorityHost, imapResource: 'https://graph.microsoft.com' };
    const { report } = await runAgainst(config);
    expect(report.results[0]!.failure).toMatchObject({ code: 'TOKEN_WRONG_AUDIENCE', phase: 'token', kind: 'config' });
    expect(report.results[0]!.failure!.message).toContain('00000002-0000-0ff1-ce00-000000000000');
    expect(report.results[0]!.failure!.remedy).toContain('Set cloud.imapResource to https://outlook.office365.com');
    // Its twin: the Exchange resource passes the same check.
    const good = baseConfig();
    expect((await runAgainst(good)).report.results[0]!.status).toBe('ok');
  });

  it('a slow check is degraded with SLOW_CHECK; under the limit it is ok', async () => {
    const slow = baseConfig();
    slow.thresholds = { slowCheckMs: 1 };
    const fast = baseConfig();
    fast.thresholds = { slowCheckMs: 60_000 };
    const [slowRun, fastRun] = [await runAgainst(slow), await runAgainst(fast)];
    expect(slowRun.report.results[0]).toMatchObject({ status: 'degraded', warnings: [expect.objectContaining({ code: 'SLOW_CHECK' })] });
    expect(fastRun.report.results[0]).toMatchObject({ status: 'ok', warnings: [] });
  });

  it('a bug in the monitor is INTERNAL for the mailboxes it touched, and never a crash', async () => {
    const buggy: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        throw new TypeError("Cannot read properties of undefined (reading 'token')");
      },
    };
    const config = baseConfig();
    config.apps.push({ id: 'envgood', tenantId: TENANT, clientId: config.apps[0]!.clientId, credential: { env: 'SOME_SECRET' } });
    config.mailboxes.push({ id: 'from-env', address: 'nogrant@catalogue.example', app: 'envgood' });
    const { report } = await runAgainst(config, { vaultCredential: buggy, env: { SOME_SECRET: 'whatever-value-123' } });
    const results = byId(report);
    expect(results.ok1!.failure).toMatchObject({ code: 'INTERNAL', kind: 'internal', phase: 'secret' });
    expect(results.ok1!.failure!.message).toMatch(/TypeError: Cannot read properties/);
    // The mailbox that did not need the vault was checked for real (and Exchange refused it).
    expect(results['from-env']!.failure?.code).toBe('TOKEN_INVALID_SECRET');
  });

  it('no Azure identity to read the vault with is SECRET_ACCESS_DENIED, and the remedy says how to sign in', async () => {
    const none: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        throw Object.assign(new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.'), { name: 'AggregateAuthenticationError' });
      },
    };
    const { report } = await runAgainst(baseConfig(), { vaultCredential: none });
    expect(report.results[0]!.failure).toMatchObject({ code: 'SECRET_ACCESS_DENIED', phase: 'secret', kind: 'permission' });
    // The deployed monitor is a user-assigned identity picked by AZURE_CLIENT_ID: creating a
    // system-assigned one (az functionapp identity assign) would give an identity nothing uses.
    expect(report.results[0]!.failure!.remedy).toMatch(/az login .*AZURE_CLIENT_ID.*--query userAssignedIdentities/);
    expect(report.results[0]!.failure!.remedy).not.toContain('identity assign');
  });
});

describe('the run deadline and the Functions timeout (issue 10: lifecycle)', () => {
  it('the default timeouts.runMs ends a run before host.json\'s functionTimeout kills it silently', () => {
    const { functionTimeout } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as { functionTimeout: string };
    const [h, m, sec] = functionTimeout.split(':').map(Number) as [number, number, number];
    const hostMs = ((h * 60 + m) * 60 + sec) * 1000;
    const config = parseConfig(baseConfig(), 'defaults');
    // Room left to write the report and deliver it (the flush) before the host's limit.
    expect(hostMs - config.timeouts.runMs).toBeGreaterThanOrEqual(30_000);
  });
});
