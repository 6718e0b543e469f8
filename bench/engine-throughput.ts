/**
 * Checks per second against the simulated tenant, the engine against a baseline in the same run:
 * the bare imapflow session (connect, STATUS, logout) with the same token, no secret read, no
 * claims check, no classification. The ratio is the engine's overhead. Run: npm run bench
 */
import { ImapFlow } from 'imapflow';
import pLimit from 'p-limit';
import { parseConfig } from '../shared/config/load';
import { planRun } from '../shared/run/plan';
import { runChecks } from '../shared/run/run-checks';
import { trustedSimCa } from '../sim/ca';
import type { Scenario } from '../sim/scenario';
import { startSimTenant, useSimIdentity } from '../sim/tenant';
import { issueAccessToken } from '../sim/tokens';

const TENANT = '5a6b7c8d-0000-4000-8000-0000000b0000';
const CLIENT = '5a6b7c8d-0000-4000-8000-0000000b0001';
const OID = '5a6b7c8d-0000-4000-8000-0000000b0002';
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 200);

function scenario(): Scenario {
  return {
    tenants: [TENANT],
    apps: [{ clientId: CLIENT, tenantId: TENANT, displayName: 'bench', secret: 'bench-secret-value-0001', servicePrincipalObjectId: OID, roles: ['IMAP.AccessAsApp'] }],
    vault: { secrets: [{ name: 'bench-secret', value: 'bench-secret-value-0001', expiresOn: new Date(Date.now() + 90 * 86_400_000) }] },
    exchange: {
      servicePrincipals: [{ appId: CLIENT, objectId: OID }],
      mailboxes: Array.from({ length: MAILBOXES }, (_, i) => ({ address: `m${i}@bench.example`, fullAccess: [OID], folders: [{ name: 'INBOX', messages: [{ seen: true, receivedMinutesAgo: 5 }] }] })),
    },
    monitorIdentity: { clientId: '5a6b7c8d-0000-4000-8000-0000000b0003', tenantId: TENANT, objectId: '5a6b7c8d-0000-4000-8000-0000000b0004', secret: 'bench-monitor-0001' },
  };
}

async function main(): Promise<void> {
  const tenant = await startSimTenant(scenario(), trustedSimCa());
  useSimIdentity(tenant);
  const token = issueAccessToken(tenant.key, { audience: 'https://outlook.office365.com', tenantId: TENANT, appId: CLIENT, objectId: OID, roles: ['IMAP.AccessAsApp'] });
  const addresses = Array.from({ length: MAILBOXES }, (_, i) => `m${i}@bench.example`);
  const rows: string[] = [];
  for (const concurrency of [1, 8, 32]) {
    const baseline = await timed(async () => {
      const limit = pLimit(concurrency);
      await Promise.all(addresses.map((user) => limit(() => bareSession(tenant.imap.port, user, token))));
    });
    const config = parseConfig(
      {
        cloud: { authorityHost: tenant.entra.url, imapResource: 'https://outlook.office365.com' },
        keyVaultUrl: tenant.vault.url,
        defaults: { host: '127.0.0.1', port: tenant.imap.port },
        concurrency,
        apps: [{ id: 'bench', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultSecret: 'bench-secret' } }],
        mailboxes: addresses.map((address, i) => ({ id: `m${i}`, address, app: 'bench' })),
      },
      'bench',
    );
    let failed = 0;
    const engine = await timed(async () => {
      const { report } = await runChecks(planRun(config));
      failed = report.counts.failed;
    });
    if (failed > 0) throw new Error(`${failed} checks failed: the benchmark measures healthy checks`);
    const rate = (ms: number) => ((MAILBOXES / ms) * 1000).toFixed(1);
    rows.push(`concurrency ${String(concurrency).padStart(2)}: engine ${rate(engine)} checks/s (${engine} ms), bare imapflow ${rate(baseline)} sessions/s (${baseline} ms), engine/baseline time ${(engine / baseline).toFixed(2)}`);
  }
  await tenant.stop();
  const memory = process.memoryUsage();
  process.stdout.write(`${MAILBOXES} mailboxes, simulated tenant on loopback, node ${process.version}\n${rows.join('\n')}\nrss ${(memory.rss / 1e6).toFixed(0)} MB, heap used ${(memory.heapUsed / 1e6).toFixed(0)} MB\n`);
}

async function bareSession(port: number, user: string, accessToken: string): Promise<void> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: true, auth: { user, accessToken }, logger: false, disableCompression: true, disableAutoEnable: true, disableAutoIdle: true });
  await client.connect();
  await client.status('INBOX', { messages: true, unseen: true });
  await client.logout();
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
