/**
 * The Azure Functions handlers, called as the host would call them (no local host exists):
 * the config from the MAILBOX_HEALTH_CONFIG app setting, the vault through managed identity.
 */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import { checkTimer } from '../../functions/check-timer';
import type { RunReport } from '../../shared/contract/result';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario } from '../e2e/catalogue';
import { startTenant } from '../e2e/sim-harness';

let tenant: SimTenant;

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  const config = catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => ['ok1', 'nogrant'].includes(id));
  process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(config);
});

afterAll(async () => {
  delete process.env.MAILBOX_HEALTH_CONFIG;
  await tenant?.stop();
});

function context(): { context: InvocationContext; logs: [string, string][] } {
  const logs: [string, string][] = [];
  const ctx = new InvocationContext({ invocationId: 'test', functionName: 'test', logHandler: (level, ...args) => logs.push([level, args.join(' ')]) });
  return { context: ctx, logs };
}

describe('HTTP check', () => {
  it('answers the report for all mailboxes, or for ?mailbox=', async () => {
    const all = await checkHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/check' }), context().context);
    expect(all.status).toBe(503);
    expect((all.jsonBody as RunReport).results.map((r) => [r.mailbox, r.failure?.code ?? r.status])).toEqual([
      ['ok1', 'ok'],
      ['nogrant', 'IMAP_AUTH_FAILED'],
    ]);
    const one = await checkHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/check?mailbox=ok1' }), context().context);
    expect((one.jsonBody as RunReport).counts).toEqual({ total: 1, ok: 1, degraded: 0, failed: 0 });
  });

  it('400 for an unknown mailbox, 500 with CONFIG_INVALID for a bad app setting', async () => {
    const unknown = await checkHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/check?mailbox=nope' }), context().context);
    expect(unknown).toMatchObject({ status: 400, jsonBody: { status: 'unknown', failure: { code: 'CONFIG_INVALID', phase: 'config', kind: 'config', message: 'mailbox: no such mailbox id in the config: nope (known: ok1, nogrant)' } } });
    const saved = process.env.MAILBOX_HEALTH_CONFIG;
    process.env.MAILBOX_HEALTH_CONFIG = '{"apps": []}';
    try {
      const { context: ctx, logs } = context();
      const bad = await checkHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/check' }), ctx);
      expect(bad).toMatchObject({ status: 500, jsonBody: { status: 'unknown', failure: { code: 'CONFIG_INVALID', remedy: expect.stringContaining('app setting MAILBOX_HEALTH_CONFIG') } } });
      expect(logs.some(([level, text]) => level === 'error' && text.includes('$.apps: must list at least one app'))).toBe(true);
    } finally {
      process.env.MAILBOX_HEALTH_CONFIG = saved;
    }
  });
});

describe('timer check', () => {
  it('logs each mailbox at the level of its status, and a summary', async () => {
    const { context: ctx, logs } = context();
    await checkTimer({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, ctx);
    expect(logs.find(([, text]) => text.startsWith('ok1'))).toEqual(['information', 'ok1 ok']);
    expect(logs.find(([, text]) => text.startsWith('nogrant'))?.[0]).toBe('error');
    expect(logs.at(-1)![1]).toMatch(/^run failed: 1 ok, 0 degraded, 1 failed in \d+ ms$/);
    expect(JSON.stringify(logs)).not.toMatch(/eyJ[\w-]{10,}\.|catalogue-secret-value/);
  });
});
