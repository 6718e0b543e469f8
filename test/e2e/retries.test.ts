/**
 * Issue 10, "No retry on a transient refusal", and issue 11 item 18: transient failures of Entra,
 * Key Vault and IMAP are retried a bounded number of times with jittered backoff that honours
 * Retry-After and stays inside the phase's budget; definitive ones are tried once. Through the
 * wire: the real SDKs against the simulated tenant with faults on its wire.
 */
import { resetTokenClients } from '../../shared/token/token-provider';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario, clientOf, type Endpoints } from './catalogue';
import { closedPort } from './net-helpers';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
let endpoints: Endpoints;

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  endpoints = { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: await closedPort(), UNTRUSTED: 0, PLAIN: 0 } };
});

afterAll(async () => {
  await tenant?.stop();
});

beforeEach(() => {
  tenant.faults.clear();
  tenant.entra.stats.tokenRequests.clear();
  tenant.scenario = catalogueScenario();
  tenant.imap.resetsLeft = 0;
  // MSAL remembers a 429/5xx per client (its throttling cache): each case starts cold.
  resetTokenClients();
});

const config = (ids: string[], timeouts: Record<string, number> = {}) => {
  const c = catalogueConfig(endpoints, (id) => ids.includes(id));
  c.timeouts = { tokenMs: 5000, secretMs: 5000, connectMs: 3000, imapCommandMs: 3000, checkMs: 15_000, ...timeouts };
  return c;
};
const goodRequests = () => tenant.entra.stats.tokenRequests.get(clientOf('good')) ?? 0;

describe('#10 retries: the token endpoint', () => {
  it('#10 a 503 once is retried: ok (not degraded), attempts.token 2, TRANSIENT_RETRIED says what happened', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'status', status: 503 }, times: 1 }]);
    const { report } = await runAgainst(config(['ok1']));
    const r = byId(report).ok1!;
    expect(r.status).toBe('ok');
    expect(r.attempts).toEqual({ secret: 1, token: 2, imap: 1 });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'TRANSIENT_RETRIED', step: 'token', attempts: 2, transient: ['HTTP 503'] })]);
    expect(goodRequests()).toBe(2);
  });

  it('#10 a 429 with Retry-After: 1 waits at least a second before the second request', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 }]);
    const { report } = await runAgainst(config(['ok1']));
    const r = byId(report).ok1!;
    expect(r.status).toBe('ok');
    expect(r.attempts?.token).toBe(2);
    expect(r.phases.token).toBeGreaterThanOrEqual(1000);
    expect(r.warnings[0]).toMatchObject({ code: 'TRANSIENT_RETRIED', transient: ['HTTP 429 (Retry-After 1 s)'] });
  });

  it('#10 a 503 every time: three requests, then TOKEN_ENDPOINT_UNREACHABLE naming the attempts', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'status', status: 503 } }]);
    const { report } = await runAgainst(config(['ok1', 'ok2']));
    const r = byId(report).ok1!;
    expect(r.failure).toMatchObject({ code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', kind: 'network' });
    expect(r.failure!.message).toContain('[3 attempts: HTTP 503, HTTP 503, HTTP 503; gave up after 3 attempts]');
    expect(r.attempts?.token).toBe(3);
    // Two mailboxes of the same app share the request, so the bound holds per app, not per mailbox.
    expect(goodRequests()).toBe(3);
    expect(byId(report).ok2!.attempts?.token).toBe(3);
  });

  it('#10 a Retry-After longer than the phase budget is honoured: no second request, TOKEN_THROTTLED says so', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'status', status: 429, retryAfter: '60' } }]);
    const started = Date.now();
    const { report } = await runAgainst(config(['ok1'], { tokenMs: 2000 }));
    const r = byId(report).ok1!;
    expect(r.failure).toMatchObject({ code: 'TOKEN_THROTTLED', phase: 'token', kind: 'throttled' });
    expect(r.failure!.message).toMatch(/the server asked to wait 60 s, more than the .* left/);
    expect(goodRequests()).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('#10 a reset mid-exchange once is retried; a definitive refusal (wrong secret) is tried once', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'reset' }, times: 1 }]);
    const { report } = await runAgainst(config(['ok1', 'wrongsecret']));
    expect(byId(report).ok1!).toMatchObject({ status: 'ok', attempts: { token: 2 } });
    expect(byId(report).ok1!.warnings[0]!.transient).toEqual([expect.stringMatching(/ECONNRESET|socket hang up/)]);
    expect(byId(report).wrongsecret!.failure!.code).toBe('TOKEN_INVALID_SECRET');
    expect(tenant.entra.stats.tokenRequests.get(clientOf('wrongsecret'))).toBe(1);
    expect(byId(report).wrongsecret!.attempts?.token).toBe(1);
  });

  it('#11.18 a silent token endpoint ends the token phase at tokenMs, with one request and a message that says so', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'hang' } }]);
    const { report } = await runAgainst(config(['ok1'], { tokenMs: 1000 }));
    const r = byId(report).ok1!;
    expect(r.failure).toMatchObject({ code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token' });
    expect(r.failure!.message).toMatch(/no complete answer from 127\.0\.0\.1:\d+ in 10\d\d ms|no complete answer from 127\.0\.0\.1:\d+ in 9\d\d ms/);
    expect(r.phases.token).toBeLessThan(1500);
    expect(goodRequests()).toBe(1);
  });

  it('#11.18 retries stay inside tokenMs: 503s answered 400 ms late fit two attempts in 1000 ms, not three', async () => {
    tenant.faults.set('entra', [{ fault: { kind: 'delay', ms: 400 } }]);
    tenant.scenario.apps.find((a) => a.clientId === clientOf('good'))!.tokenFault = 'server-error';
    const { report } = await runAgainst(config(['ok1'], { tokenMs: 1000 }));
    const r = byId(report).ok1!;
    expect(r.failure?.code).toBe('TOKEN_ENDPOINT_UNREACHABLE');
    expect(r.phases.token).toBeLessThan(1400);
    expect(goodRequests()).toBeLessThanOrEqual(2);
  });
});

describe('#10 retries: Key Vault', () => {
  it('#10 a 503 once is retried: ok, attempts.secret 2, TRANSIENT_RETRIED', async () => {
    tenant.faults.set('vault', [{ fault: { kind: 'status', status: 503, body: { error: { code: 'ServiceUnavailable', message: 'try later' } } }, times: 1 }]);
    const { report } = await runAgainst(config(['ok1']));
    const r = byId(report).ok1!;
    expect(r.status).toBe('ok');
    expect(r.attempts?.secret).toBe(2);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'TRANSIENT_RETRIED', step: 'secret', transient: ['HTTP 503'] })]);
  });

  it('#10 a 429 with Retry-After: 1 is honoured', async () => {
    tenant.faults.set('vault', [{ fault: { kind: 'status', status: 429, retryAfter: '1', body: { error: { code: 'Throttled', message: 'slow down' } } }, times: 1 }]);
    const { report } = await runAgainst(config(['ok1']));
    const r = byId(report).ok1!;
    expect(r.status).toBe('ok');
    expect(r.phases.secret).toBeGreaterThanOrEqual(1000);
    expect(r.warnings[0]).toMatchObject({ transient: ['HTTP 429 (Retry-After 1 s)'] });
  });

  it('#10 a 503 every time: SECRET_SOURCE_UNREACHABLE after three attempts; 429 every time: SECRET_THROTTLED', async () => {
    tenant.faults.set('vault', [{ fault: { kind: 'status', status: 503, body: { error: { code: 'ServiceUnavailable', message: 'down' } } } }]);
    const down = byId((await runAgainst(config(['ok1']))).report).ok1!;
    expect(down.failure).toMatchObject({ code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret' });
    expect(down.attempts?.secret).toBe(3);
    tenant.faults.set('vault', [{ fault: { kind: 'status', status: 429, retryAfter: '0', body: { error: { code: 'Throttled', message: 'slow down' } } } }]);
    const throttled = byId((await runAgainst(config(['ok1']))).report).ok1!;
    expect(throttled.failure).toMatchObject({ code: 'SECRET_THROTTLED', phase: 'secret', kind: 'throttled' });
    expect(throttled.attempts?.secret).toBe(3);
  });

  it('#10 a definitive refusal (403) is tried once', async () => {
    const { report } = await runAgainst(config(['denied']));
    expect(byId(report).denied!.failure!.code).toBe('SECRET_ACCESS_DENIED');
    expect(byId(report).denied!.attempts?.secret).toBe(1);
    expect(tenant.vault.stats.secretReads.get('denied-secret')).toBeGreaterThanOrEqual(1);
  });
});

describe('#10 retries: IMAP', () => {
  it('#10 NO [UNAVAILABLE] once is retried: ok, attempts.imap 2; every time: IMAP_THROTTLED after three', async () => {
    tenant.scenario.exchange.mailboxes.find((m) => m.address.startsWith('ok1@'))!.loginFault = { kind: 'unavailable', times: 1 };
    const once = byId((await runAgainst(config(['ok1']))).report).ok1!;
    expect(once).toMatchObject({ status: 'ok', attempts: { imap: 2 } });
    expect(once.warnings[0]).toMatchObject({ code: 'TRANSIENT_RETRIED', step: 'imap' });
    tenant.scenario.exchange.mailboxes.find((m) => m.address.startsWith('ok1@'))!.loginFault = { kind: 'unavailable' };
    const always = byId((await runAgainst(config(['ok1']))).report).ok1!;
    expect(always.failure).toMatchObject({ code: 'IMAP_THROTTLED', phase: 'auth' });
    expect(always.attempts?.imap).toBe(3);
  });

  it('#10 a connection reset before the greeting once is retried; AUTHENTICATE failed is tried once', async () => {
    tenant.imap.resetsLeft = 1;
    const c = config(['ok1', 'nogrant']);
    c.mailboxes.find((m) => m.id === 'ok1')!.port = tenant.imap.flakyPort;
    const { report } = await runAgainst(c);
    expect(byId(report).ok1).toMatchObject({ status: 'ok', attempts: { imap: 2 } });
    expect(byId(report).nogrant!.failure!.code).toBe('IMAP_AUTH_FAILED');
    expect(byId(report).nogrant!.attempts?.imap).toBe(1);
  });
});
