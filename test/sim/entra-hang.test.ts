/**
 * The 'hang' fault: the token endpoint accepts the request and never answers (MSAL's default
 * client has no timeout — the engine must bring its own). stop() must still end promptly and
 * close the hung connection, or jest would never exit.
 */
import { request } from 'node:https';
import { startEntra } from '../../sim/entra-server';
import { EXCHANGE_RESOURCE } from '../../sim/scenario';
import { createSigningKey } from '../../sim/signing-key';
import { findApp, scenario, serverTls, TENANT } from './https-tenant-fixture';

test("a 'hang' app's request gets no answer, and stop() closes the connection", async () => {
  const current = scenario();
  const entra = await startEntra({ scenario: () => current, key: createSigningKey(), tls: serverTls() });
  const hang = findApp(current, 'fault-hang');
  const form = new URLSearchParams({ client_id: hang.clientId, client_secret: hang.secret, grant_type: 'client_credentials', scope: `${EXCHANGE_RESOURCE}/.default` });

  const outcome = new Promise<string>((resolve) => {
    const req = request(`${entra.url}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    req.on('response', (res) => resolve(`answered ${res.statusCode}`));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code}`));
    req.end(form.toString());
  });
  const early = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('pending'), 500))]);
  expect(early).toBe('pending');
  expect(entra.stats.tokenRequests.get(hang.clientId)).toBe(1);

  const started = Date.now();
  await entra.stop();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await outcome).toBe('error ECONNRESET');
});

test('a healthy app is answered by the same server (the hang is per app)', async () => {
  const current = scenario();
  const entra = await startEntra({ scenario: () => current, key: createSigningKey(), tls: serverTls() });
  const healthy = findApp(current, 'healthy');
  const res = await fetch(`${entra.url}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: healthy.clientId, client_secret: healthy.secret, grant_type: 'client_credentials', scope: `${EXCHANGE_RESOURCE}/.default` }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
  await entra.stop();
});
