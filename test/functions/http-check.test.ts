/**
 * The HTTP check as uptime tools see it, the handler called as the Functions host calls it:
 * status codes, no caching by anyone in between, one shared run for concurrent requests and
 * none within the minimum interval — counted at the simulated Entra and IMAP endpoints.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import type { RunReport } from '../../shared/contract/result';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario } from '../e2e/catalogue';
import { startTenant } from '../e2e/sim-harness';

let tenant: SimTenant;
const saved = { ...process.env };

const configOf = (ids: string[]) =>
  JSON.stringify(catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => ids.includes(id)));

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
});

afterAll(async () => {
  process.env = saved;
  await tenant?.stop();
});

beforeEach(() => {
  process.env = { ...saved, ...tenant.identityEnv };
  delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
});

const get = (query = '') => checkHttp(new HttpRequest({ method: 'GET', url: `https://fn.example/api/check${query}` }), new InvocationContext({ invocationId: 'test', functionName: 'checkHttp', logHandler: () => undefined }));
const body = (response: HttpResponseInit) => response.jsonBody as RunReport;
const headers = (response: HttpResponseInit) => response.headers as Record<string, string>;
const counters = () => ({ tokens: [...tenant.entra.stats.tokenRequests.values()].reduce((a, b) => a + b, 0), imap: tenant.imap.stats.connections });

describe('status codes', () => {
  beforeEach(() => {
    process.env.MAILBOX_HEALTH_CONFIG = configOf(['ok1', 'backlog', 'nogrant']);
  });

  it('503 when a mailbox failed, 200 when the answer is ok or degraded; the body is the report, never stored', async () => {
    const all = await get();
    expect(all.status).toBe(503);
    expect(body(all)).toMatchObject({ status: 'failed', counts: { total: 3, ok: 1, degraded: 1, failed: 1 } });
    expect(headers(all)['cache-control']).toBe('no-store');
    const ok = await get('?mailbox=ok1');
    expect(ok.status).toBe(200);
    expect(body(ok)).toMatchObject({ status: 'ok', counts: { total: 1, ok: 1 }, results: [{ mailbox: 'ok1' }] });
    const degraded = await get('?mailbox=backlog&mailbox=ok1');
    expect(degraded.status).toBe(200);
    expect(body(degraded)).toMatchObject({ status: 'degraded', counts: { total: 2, ok: 1, degraded: 1 } });
    const failed = await get('?mailbox=nogrant');
    expect(failed.status).toBe(503);
    expect(body(failed).results[0]!.failure!.code).toBe('IMAP_AUTH_FAILED');
  });

  it('400 for an unknown mailbox id, before any run (#11.11: the failure shape of every other refusal; #11.16: bounded)', async () => {
    const before = counters();
    const response = await get('?mailbox=ok1&mailbox=nope');
    expect(response).toMatchObject({ status: 400, jsonBody: { status: 'unknown', failure: { code: 'CONFIG_INVALID', phase: 'config', kind: 'config', message: expect.stringContaining('mailbox: no such mailbox id in the config: nope (known: ') } } });
    // A 100 KB id is not echoed back whole.
    const huge = await get(`?mailbox=${'x'.repeat(100_000)}`);
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.jsonBody).length).toBeLessThan(2000);
    expect(headers(response)['cache-control']).toBe('no-store');
    expect(counters()).toEqual(before);
  });

  it('500 with CONFIG_INVALID and its remedy for a bad configuration', async () => {
    process.env.MAILBOX_HEALTH_CONFIG = '{"apps": []}';
    const response = await get();
    expect(response).toMatchObject({ status: 500, jsonBody: { status: 'unknown', failure: { code: 'CONFIG_INVALID', remedy: expect.stringContaining('app setting MAILBOX_HEALTH_CONFIG') } } });
    expect(headers(response)['cache-control']).toBe('no-store');
  });
});

describe('it cannot be used to hammer Exchange or Entra', () => {
  it('500 concurrent requests (issue 5 asks 50, issue 10 500) share one run; a request within the interval causes none and says how old its answer is', async () => {
    process.env.MAILBOX_HEALTH_CONFIG = configOf(['ok1', 'ok2']);
    const before = counters();
    const responses = await Promise.all(Array.from({ length: 500 }, (_, i) => get(i % 2 ? '?mailbox=ok1' : '')));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(responses.map((r) => body(r).startedAt)).size).toBe(1);
    expect(responses.every((r) => headers(r).age === undefined)).toBe(true);
    const afterRun = counters();
    // One run: one token for the one app, one IMAP connection per mailbox.
    expect(afterRun.tokens - before.tokens).toBeLessThanOrEqual(1);
    expect(afterRun.imap - before.imap).toBe(2);

    const again = await get('?mailbox=ok2');
    expect(counters()).toEqual(afterRun);
    expect(again.status).toBe(200);
    expect(body(again)).toMatchObject({ startedAt: body(responses[0]!).startedAt, counts: { total: 1 }, results: [{ mailbox: 'ok2' }] });
    expect(headers(again).age).toMatch(/^\d+$/);
    expect(headers(again)['cache-control']).toBe('no-store');
  });

  it('past the interval (here 0 s) the next request runs again', async () => {
    process.env.MAILBOX_HEALTH_CONFIG = configOf(['ok1']);
    process.env.HTTP_MIN_INTERVAL_SECONDS = '0';
    await get();
    const before = counters();
    const response = await get();
    expect(counters().imap - before.imap).toBe(1);
    expect(headers(response).age).toBeUndefined();
  });
});
