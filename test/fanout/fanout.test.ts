/**
 * Scale-out through the real wire: the timer handler, the queue handler and the poison handler
 * called as the Functions host calls them (QueueDriver plays the host's queue listener with
 * host.json's settings), the real Azurite for queues and tables, the simulated tenant for Key
 * Vault, Entra ID and Exchange. 2,000 mailboxes over 20 apps.
 */
import { InvocationContext } from '@azure/functions';
import type { QueueClient } from '@azure/storage-queue';
import { checkBatch } from '../../functions/check-batch';
import { checkBatchPoison } from '../../functions/check-batch-poison';
import { checkTimer } from '../../functions/check-timer';
import type { CheckResult } from '../../shared/contract/result';
import { parseBatch, type BatchMessage } from '../../shared/fanout/batch-message';
import { CHECK_QUEUE, POISON_QUEUE } from '../../shared/fanout/fanout-settings';
import { StateStore } from '../../shared/state/state-store';
import { parseTally } from '../../shared/state/uptime-tally';
import { queueClient, storageAccount } from '../../shared/storage/storage-account';
import { resetTokenClients } from '../../shared/token/token-provider';
import type { SimTenant } from '../../sim/tenant';
import { startTenant } from '../e2e/sim-harness';
import { startAzurite, type Azurite } from '../storage/azurite';
import { appId, brokenIds, clientIdOf, fleetConfig, fleetScenario, type Fleet } from './fleet';
import { QueueDriver } from './queue-driver';

// 20 apps, 2,000 mailboxes: three apps need more than one batch of 100.
const FLEET: Fleet = { sizes: [250, 150, 101, ...Array.from({ length: 16 }, () => 88), 91], brokenEvery: 97 };
const TOTAL = FLEET.sizes.reduce((a, b) => a + b, 0);
const EXPECTED_BATCHES = [3, 2, 2, ...Array.from({ length: 17 }, () => 1)];

let azurite: Azurite;
let tenant: SimTenant;
let queue: QueueClient;
let poison: QueueClient;
let store: StateStore;
const saved = { ...process.env };

jest.setTimeout(300_000);

beforeAll(async () => {
  [azurite, tenant] = await Promise.all([startAzurite(), startTenant(fleetScenario(FLEET))]);
  // The state writes of a batch share the delivery's flush budget: the default 5 s is for Azure, not two loaded cores.
  Object.assign(process.env, azurite.env, { TELEMETRY_FLUSH_TIMEOUT_SECONDS: '120', MAILBOX_HEALTH_CONFIG: JSON.stringify(fleetConfig(FLEET, { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port })) });
  const account = storageAccount(azurite.env);
  queue = queueClient(account, CHECK_QUEUE);
  poison = queueClient(account, POISON_QUEUE);
  store = StateStore.fromAccount(account);
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await Promise.all([azurite?.stop(), tenant?.stop()]);
});

const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };

function context(): { context: InvocationContext; logs: [string, string][] } {
  const logs: [string, string][] = [];
  return { context: new InvocationContext({ invocationId: 't', functionName: 'checkTimer', logHandler: (level, ...args) => logs.push([level, args.join(' ')]) }), logs };
}

/** Peeking (unlike receiving) leaves the dequeue count alone; 32 is the most one peek returns. */
async function peekAll(q: QueueClient): Promise<BatchMessage[]> {
  const { peekedMessageItems } = await q.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map((m) => parseBatch(Buffer.from(m.messageText, 'base64').toString('utf8')));
}

/** A smaller fleet (the first apps) fanned out always, in small batches: for the concurrency and poison cases. */
function useSmallFleet(apps: number, batchSize: number): void {
  process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(fleetConfig(FLEET, { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port }, apps));
  Object.assign(process.env, { FANOUT_THRESHOLD: '0', FANOUT_BATCH_SIZE: String(batchSize) });
}

const tokenRequests = () => Object.fromEntries(FLEET.sizes.map((_, i) => [appId(i), tenant.entra.stats.tokenRequests.get(clientIdOf(i)) ?? 0]));

describe('fan-out over the Storage queue', () => {
  let runId: string;

  it('the timer enqueues 2,000 mailboxes as one-app batches of at most 100 instead of checking inline', async () => {
    const logins = tenant.imap.stats.logins;
    const { context: ctx, logs } = context();
    await checkTimer(timer, ctx);
    expect(tenant.imap.stats.logins).toBe(logins); // nothing checked inline
    const messages = await peekAll(queue);
    expect(messages).toHaveLength(EXPECTED_BATCHES.reduce((a, b) => a + b, 0));
    runId = messages[0]!.runId;
    expect(new Set(messages.map((m) => m.runId))).toEqual(new Set([runId]));
    // Grouping: each batch is one app's; each app in the fewest batches, evenly filled.
    const perApp = FLEET.sizes.map((_, i) => messages.filter((m) => m.app === appId(i)));
    expect(perApp.map((batches) => batches.length)).toEqual(EXPECTED_BATCHES);
    expect(perApp[0]!.map((m) => m.mailboxes.length)).toEqual([84, 84, 82]);
    expect(perApp[2]!.map((m) => m.mailboxes.length)).toEqual([51, 50]);
    for (const [i, batches] of perApp.entries()) {
      expect(batches.flatMap((m) => m.mailboxes).every((id) => id.startsWith(`${appId(i)}-`))).toBe(true);
      expect(batches.flatMap((m) => m.mailboxes)).toHaveLength(FLEET.sizes[i]!);
    }
    // Ids and a fingerprint only: no config, no secret.
    const raw = JSON.stringify(messages);
    expect(raw).not.toMatch(/Sec~|keyVault|127\.0\.0\.1|tenantId/);
    expect(messages[0]).toMatchObject({ v: 1, config: expect.stringMatching(/^[\w-]{16}$/), batches: messages.length });
    expect(logs.some(([, text]) => text.includes(`2000 mailboxes of 20 app(s) fanned out as ${messages.length} batch(es)`))).toBe(true);
  });

  it('the queue handler checks every mailbox, one token request per app per batch at most, and stores every result', async () => {
    resetTokenClients();
    const before = tokenRequests();
    const driver = new QueueDriver(queue, poison, checkBatch);
    await driver.drain();
    expect(driver.log).toMatchObject({ failures: 0, poisoned: 0, invocations: 24 });
    const after = tokenRequests();
    for (const [i] of FLEET.sizes.entries()) {
      const requests = after[appId(i)]! - before[appId(i)]!;
      expect(requests).toBeGreaterThanOrEqual(1);
      expect(requests).toBeLessThanOrEqual(EXPECTED_BATCHES[i]!);
    }
    const rows = await store.list();
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((r) => r.runId))).toEqual(new Set([runId]));
    expect(rows.every((r) => r.trigger === 'queue')).toBe(true);
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.mailbox).sort()).toEqual(brokenIds(FLEET).sort());
    expect(new Set(failed.map((r) => r.code))).toEqual(new Set(['IMAP_AUTH_FAILED']));
    expect(failed[0]!.remedy).toContain('Add-MailboxPermission');
    // app00's secret expires in 10 days: its mailboxes are degraded, with the expiry stored.
    expect(rows.filter((r) => r.app === 'app00' && r.status !== 'failed').every((r) => r.status === 'degraded' && r.secretExpiresOn !== '')).toBe(true);
    const sample = rows.find((r) => r.app === 'app05')!;
    expect(await store.historyOf(sample.mailbox, new Date(Date.now() - 3600_000))).toEqual([expect.objectContaining({ runId, status: sample.status })]);
  });

  it('two drivers consuming the same queue at once check every mailbox exactly once', async () => {
    // Apps 1-3 (339 mailboxes) in batches of 20: 18 messages for two consumers to race over.
    useSmallFleet(4, 20);
    const ids = (fleetConfig(FLEET, { authorityHost: '', keyVaultUrl: '', imapPort: 0 }, 4).mailboxes as { id: string }[]).map((m) => m.id);
    await checkTimer(timer, context().context);
    const messages = await peekAll(queue);
    expect(messages.length).toBeGreaterThan(16);
    const seen: string[] = [];
    const counting = async (item: unknown, c: InvocationContext) => {
      seen.push(...parseBatch(item).mailboxes);
      await checkBatch(item, c);
    };
    const logins = tenant.imap.stats.logins;
    const a = new QueueDriver(queue, poison, counting);
    const b = new QueueDriver(queue, poison, counting);
    await Promise.all([a.drain(), b.drain()]);
    expect(a.log.invocations).toBeGreaterThan(0);
    expect(b.log.invocations).toBeGreaterThan(0);
    expect(a.log.invocations + b.log.invocations).toBe(messages.length);
    expect(seen.sort()).toEqual([...ids].sort());
    // No mailbox logged in twice (a refused or timed-out login counts no login at all).
    expect(tenant.imap.stats.logins - logins).toBeLessThanOrEqual(ids.length);
    const rows = new Map((await store.list()).map((r) => [r.mailbox, r]));
    expect(new Set(ids.map((id) => rows.get(id)!.runId))).toEqual(new Set([messages[0]!.runId]));
  });

  it('a batch whose handler throws maxDequeueCount times goes to the poison queue, is reported, and its mailboxes are marked not checked', async () => {
    useSmallFleet(2, 100);
    await checkTimer(timer, context().context);
    const messages = await peekAll(queue);
    const doomed = messages.find((m) => m.app === appId(1))!;
    const crashing = async (item: unknown, c: InvocationContext) => {
      if (parseBatch(item).mailboxes[0] === doomed.mailboxes[0]) throw new Error('simulated crash in the batch');
      await checkBatch(item, c);
    };
    const driver = new QueueDriver(queue, poison, crashing, { retryDelaySeconds: 0 });
    await driver.drain();
    expect(driver.log.failures).toBe(driver.settings.maxDequeueCount);
    expect(driver.log.poisoned).toBe(1);

    const poisonDriver = new QueueDriver(poison, queueClient(storageAccount(azurite.env), `${POISON_QUEUE}-poison`), (item, c) => checkBatchPoison(item, c));
    await poisonDriver.drain();
    expect(poisonDriver.log).toMatchObject({ invocations: 1, failures: 0 });
    expect(poisonDriver.log.logs).toEqual([['error', expect.stringContaining(`dead batch: batch ${doomed.batch}/${doomed.batches} of run ${doomed.runId} (app app01)`)]]);
    expect(poisonDriver.log.logs[0]![1]).toContain(doomed.mailboxes.slice(0, 3).join(', '));

    const rows = await store.list();
    const marked = rows.filter((r) => r.status === 'not-checked');
    expect(marked.map((r) => r.mailbox).sort()).toEqual([...doomed.mailboxes].sort());
    // Each keeps its last real result and says why it was not checked.
    expect(marked.every((r) => r.checkedAt !== '' && r.notCheckedReason.includes(doomed.runId) && r.address.endsWith('@fleet.example'))).toBe(true);
    expect(rows.filter((r) => r.app === appId(0) || (r.app === appId(1) && !doomed.mailboxes.includes(r.mailbox))).every((r) => r.runId === doomed.runId && r.status !== 'not-checked')).toBe(true);
  });

  it('a maintenance window on an app reaches the queue batches: its results carry the window and their tally counts them as maintenance; the other app is untouched (issue 20)', async () => {
    useSmallFleet(2, 100);
    const config = JSON.parse(process.env.MAILBOX_HEALTH_CONFIG!) as { apps: { id: string; maintenance?: unknown }[] };
    const now = Date.now();
    config.apps[0]!.maintenance = [{ start: new Date(now - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), end: new Date(now + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), reason: 'import server upgrade CHG-42' }];
    process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(config);
    await checkTimer(timer, context().context);
    const messages = await peekAll(queue);
    expect(messages.map((m) => m.app).sort()).toEqual([appId(0), appId(0), appId(0), appId(1), appId(1)]);
    const driver = new QueueDriver(queue, poison, checkBatch);
    await driver.drain();
    expect(driver.log).toMatchObject({ failures: 0, poisoned: 0, invocations: messages.length });
    const runId = messages[0]!.runId;
    const rows = (await store.list()).filter((r) => r.runId === runId);
    const inWindow = rows.filter((r) => r.app === appId(0));
    const outside = rows.filter((r) => r.app === appId(1));
    expect([inWindow.length, outside.length]).toEqual([FLEET.sizes[0], FLEET.sizes[1]]);
    expect(inWindow.every((r) => (JSON.parse(r.result) as CheckResult).maintenance?.reason === 'import server upgrade CHG-42')).toBe(true);
    // The twin, in the same run: the other app's results carry no window.
    expect(outside.every((r) => (JSON.parse(r.result) as CheckResult).maintenance === undefined)).toBe(true);
    // The tally (what the uptime figures are made of) counted the window's checks as maintenance, not as checks.
    const lastDay = (row: (typeof rows)[number]) => { const t = parseTally(row.tally ?? ''); return t instanceof Error || !t ? undefined : t.days.at(-1); };
    expect(inWindow.every((r) => (lastDay(r)?.maintenance ?? 0) >= 1)).toBe(true);
    expect(outside.every((r) => lastDay(r)?.maintenance === 0)).toBe(true);
  });

  it('a batch planned from an older config checks the ids that still exist and logs the rest', async () => {
    const message: BatchMessage = { v: 1, runId: 'run-old', config: 'stale-fingerprint', app: appId(1), mailboxes: ['app01-m0001', 'app01-m0002', 'gone-mailbox'], batch: 1, batches: 1, enqueuedAt: new Date().toISOString() };
    const logs: [string, string][] = [];
    const ctx = new InvocationContext({ invocationId: 'x', functionName: 'checkBatch', logHandler: (level, ...args) => logs.push([level, args.join(' ')]) });
    await checkBatch(message, ctx);
    expect(logs[0]).toEqual(['warning', expect.stringContaining('not checking 1 mailbox(es) it no longer has: gone-mailbox')]);
    expect(logs.at(-1)![1]).toMatch(/run run-old batch 1\/1 \(app app01, attempt 1\): 2 ok, 0 degraded, 0 failed/);
    expect((await store.get('app01-m0001'))!.runId).toBe('run-old');
    expect(await store.get('gone-mailbox')).toBeUndefined();
  });

  it('a malformed message is rejected naming its fields, so it ends on the poison queue and is reported there', async () => {
    const ctx = new InvocationContext({ invocationId: 'x', functionName: 'checkBatch' });
    await expect(checkBatch({ v: 1, runId: 'r', app: 'a', mailboxes: [] }, ctx)).rejects.toThrow(/config: must be a config fingerprint .*mailboxes: must be a non-empty list/);
    const logs: [string, string][] = [];
    const pctx = new InvocationContext({ invocationId: 'x', functionName: 'poison', logHandler: (level, ...args) => logs.push([level, args.join(' ')]) });
    await checkBatchPoison('not json at all', pctx);
    expect(logs).toEqual([['error', expect.stringContaining('an unreadable message was dead-lettered on mailbox-checks-poison: batch message: not JSON')]]);
  });
});
