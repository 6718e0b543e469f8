/**
 * Issue 16 items 9 and 10, the HTTP check's query string, the handler called as the host calls it.
 * #16.9: a bad `?source=` was echoed whole (100,000 characters) in a body of its own shape
 * (`{status, error}`); it is now the documented `{status, failure: {code, …}}`, the value clipped.
 * #16.10: `?mailbox=` of a run cut by its deadline dropped the report's `partial`, so a
 * CHECK_TIMEOUT read as the mailbox's own timeout; it is kept, its notChecked narrowed too.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import type { RunReport } from '../../shared/contract/result';

const saved = { ...process.env };
let hang: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  // An authority that accepts connections and never answers: the token request outlives runMs.
  hang = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  process.env = saved;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hang.close(resolve));
});

beforeEach(() => {
  const port = (hang.address() as AddressInfo).port;
  process.env = { ...saved, HTTP_QUERY_TEST_SECRET: 'not-a-real-secret', HTTP_MIN_INTERVAL_SECONDS: '600' };
  delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  delete process.env.AzureWebJobsStorage;
  process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify({
    cloud: { authorityHost: `https://127.0.0.1:${port}`, imapResource: 'https://outlook.office365.com' },
    concurrency: 1,
    timeouts: { runMs: 400, checkMs: 5000, tokenMs: 5000 },
    apps: [{ id: 'a', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { env: 'HTTP_QUERY_TEST_SECRET' } }],
    mailboxes: [1, 2, 3].map((i) => ({ id: `m${i}`, address: `m${i}@contoso.example`, app: 'a' })),
  });
});

const get = (query = '') => checkHttp(new HttpRequest({ method: 'GET', url: `https://fn.example/api/check${query}` }), new InvocationContext({ invocationId: 'test', functionName: 'checkHttp', logHandler: () => undefined }));
const report = (response: HttpResponseInit) => response.jsonBody as RunReport;

describe('#16.9 ?source= refusals', () => {
  it('#16.9 the twin: ?source=live is accepted (a run, here cut by its deadline)', async () => {
    const response = await get('?source=live&mailbox=m1');
    expect(report(response).results.map((r) => r.mailbox)).toEqual(['m1']);
  });

  it('#16.9 an unknown source of 100,000 characters is a 400 in the documented failure shape, the value clipped', async () => {
    const response = await get(`?source=${'x'.repeat(100_000)}`);
    expect(response.status).toBe(400);
    expect((response.headers as Record<string, string>)['cache-control']).toBe('no-store');
    expect(response.jsonBody).toEqual({
      status: 'unknown',
      failure: {
        code: 'CONFIG_INVALID',
        phase: 'config',
        kind: 'config',
        message: `source: "${'x'.repeat(60)}… (100,000 characters)" is neither "live" nor "stored"`,
        remedy: expect.stringContaining('?source=stored'),
        problems: [{ path: 'source', message: `"${'x'.repeat(60)}… (100,000 characters)" is neither "live" nor "stored"` }],
      },
    });
    expect(JSON.stringify(response.jsonBody).length).toBeLessThan(1000);
  });

  it('#16.9 control characters in the value are not echoed, and a repeated source is refused', async () => {
    const escaped = await get('?source=%1B%5B31m%E2%80%AE');
    expect(escaped.status).toBe(400);
    expect(JSON.stringify(escaped.jsonBody)).not.toMatch(/\u001b|\u202e/);
    const twice = await get('?source=stored&source=live');
    expect(twice).toMatchObject({ status: 400, jsonBody: { status: 'unknown', failure: { code: 'CONFIG_INVALID', message: 'source: is given 2 times: give it once' } } });
  });
});

describe('#16.10 narrowing keeps the partial marker', () => {
  it('#16.10 the whole report of a run cut by its deadline is partial (the premise)', async () => {
    const whole = report(await get());
    expect(whole.partial).toMatchObject({ reason: 'deadline', notChecked: ['m2', 'm3'] });
    expect(whole.results.map((r) => r.failure?.code)).toEqual(['CHECK_TIMEOUT', 'CHECK_TIMEOUT', 'CHECK_TIMEOUT']);
  });

  it('#16.10 ?mailbox= of that run keeps partial, its notChecked narrowed to the mailboxes asked', async () => {
    const one = report(await get('?mailbox=m2'));
    expect(one.results.map((r) => [r.mailbox, r.failure?.code, r.failure?.phase])).toEqual([['m2', 'CHECK_TIMEOUT', 'run']]);
    expect(one.partial).toEqual({ reason: 'deadline', message: expect.stringContaining('timeouts.runMs'), notChecked: ['m2'] });
    const started = report(await get('?mailbox=m1'));
    expect(started.partial).toEqual({ reason: 'deadline', message: expect.stringContaining('timeouts.runMs'), notChecked: [] });
  });
});
