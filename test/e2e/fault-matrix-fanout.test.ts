/**
 * Issue 10, the fan-out queue's rows of the fault matrix: the timer's fan-out (fanOutIfLarge,
 * called with an InvocationContext as checkTimer calls it; there is no local Functions host)
 * enqueues a run's batches through the real @azure/storage-queue SDK, to Azurite (the healthy
 * twin: every batch on the queue, once) and to a queue endpoint that fails: accepts and never
 * answers, 503 always, 429 Retry-After 60 always (given up at once, bounded), 503 once (retried:
 * every batch on the queue, once). A failure ends within ENQUEUE_TIMEOUT_MS with an error, logged
 * and thrown, that names the queue and how many batches got there. Prints its rows.
 */
import { InvocationContext } from '@azure/functions';
import { ENQUEUE_TIMEOUT_MS, fanOutIfLarge } from '../../functions/fan-out';
import { parseBatch, type BatchMessage } from '../../shared/fanout/batch-message';
import { CHECK_QUEUE } from '../../shared/fanout/fanout-settings';
import { queueClient, storageAccount } from '../../shared/storage/storage-account';
import { azuriteConnectionString, startAzurite, type Azurite } from '../storage/azurite';
import { fleetConfig, type Fleet } from '../fanout/fleet';
import { silentTcpServer } from './net-helpers';
import { storageFaultServer, type StorageFault } from './storage-fault-server';

// 3 apps, 50 mailboxes, batches of 8: 7 batches (3 + 2 + 2), fewer than one peek (32) returns.
const FLEET: Fleet = { sizes: [20, 15, 15], brokenEvery: 1000 };
const BATCHES = 7;
const SLACK_MS = 4000; // the machine is shared: the point is "bounded", not "fast"

let azurite: Azurite;
const saved = { ...process.env };
const stops: (() => Promise<void>)[] = [];
const rows: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  process.stdout.write(`\nfault matrix, fan-out queue rows (enqueue deadline ${ENQUEUE_TIMEOUT_MS} ms):\n| fault | outcome | ms | logged |\n|---|---|---|---|\n${rows.join('\n')}\n`);
  process.env = saved;
  await Promise.all(stops.map((s) => s()));
  await azurite?.stop();
});

const queueAt = (queuePort: number) => ({
  AzureWebJobsStorage: azuriteConnectionString({ blobPort: azurite.blobPort, queuePort, tablePort: azurite.tablePort }),
});

/** Peeking leaves the messages where they are; then the queue is emptied for the next case. */
async function drain(): Promise<BatchMessage[]> {
  const queue = queueClient(storageAccount(azurite.env), CHECK_QUEUE);
  if (!(await queue.exists())) return [];
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  await queue.clearMessages();
  return peekedMessageItems.map((m) => parseBatch(Buffer.from(m.messageText, 'base64').toString('utf8')));
}

interface Outcome {
  fannedOut: boolean | undefined;
  error: Error | undefined;
  ms: number;
  errors: string[];
  logs: string[];
}

/** fanOutIfLarge as checkTimer calls it, with the fleet's config and fan-out always on. */
async function fanOut(storage: Record<string, string>): Promise<Outcome> {
  process.env = {
    ...saved,
    ...storage,
    FANOUT_THRESHOLD: '0',
    FANOUT_BATCH_SIZE: '8',
    MAILBOX_HEALTH_CONFIG: JSON.stringify(fleetConfig(FLEET, { authorityHost: 'https://127.0.0.1:1', keyVaultUrl: 'https://127.0.0.1:1', imapPort: 1 })),
  };
  const errors: string[] = [];
  const logs: string[] = [];
  const context = new InvocationContext({
    invocationId: 'fanout-fault',
    functionName: 'checkTimer',
    logHandler: (level, ...args) => (level === 'error' ? errors : logs).push(args.join(' ')),
  });
  const started = performance.now();
  let fannedOut: boolean | undefined;
  let error: Error | undefined;
  try {
    fannedOut = await fanOutIfLarge(context);
  } catch (e) {
    error = e as Error;
  }
  return { fannedOut, error, ms: Math.round(performance.now() - started), errors, logs };
}

function row(fault: string, o: Outcome, outcome: string): void {
  rows.push(`| ${fault} | ${outcome} | ${o.ms} | ${[...o.errors, ...o.logs].map((l) => l.replace(/\|/g, '/').slice(0, 170)).join('; ')} |`);
}

/** Every mailbox of the fleet in exactly one batch, each batch once. */
function expectEveryBatchOnce(messages: BatchMessage[]): void {
  expect(messages.length).toBe(BATCHES);
  expect(new Set(messages.map((m) => m.batch)).size).toBe(BATCHES);
  const mailboxes = messages.flatMap((m) => m.mailboxes);
  expect(mailboxes.length).toBe(50);
  expect(new Set(mailboxes).size).toBe(50);
}

describe('#10 fault matrix: the fan-out queue (fanOutIfLarge, as the timer calls it)', () => {
  it('#10 the healthy twin (Azurite): every batch enqueued once, the log line names the queue, no error', async () => {
    await drain();
    const o = await fanOut(azurite.env);
    row('healthy (Azurite)', o, `fanned out: ${o.fannedOut}`);
    expect(o.error).toBeUndefined();
    expect(o.fannedOut).toBe(true);
    expect(o.errors).toEqual([]);
    expect(o.logs.some((l) => new RegExp(`fanned out as ${BATCHES} batch\\(es\\) of at most 8 on queue ${CHECK_QUEUE}$`).test(l))).toBe(true);
    expectEveryBatchOnce(await drain());
  }, 60_000);

  it('#10 accepts and never answers (TCP): ends within the enqueue deadline, an error names the queue, nothing enqueued', async () => {
    const silent = await silentTcpServer();
    stops.push(silent.stop);
    const o = await fanOut(queueAt(silent.port));
    row('accepts, never answers (TCP)', o, `threw: ${o.error?.name}`);
    const named = new RegExp(`^(fan-out: )?queue ${CHECK_QUEUE}: none of ${BATCHES} batch\\(es\\) of run [\\w-]+ enqueued: no answer from queue ${CHECK_QUEUE} within \\d+ ms$`);
    expect(o.error?.message).toMatch(named);
    expect(o.errors).toHaveLength(1);
    expect(o.errors[0]).toMatch(named);
    expect(o.ms).toBeLessThan(ENQUEUE_TIMEOUT_MS + SLACK_MS);
  }, 60_000);

  const failing: [string, StorageFault, RegExp][] = [
    ['503 always', { status: 503 }, / \[3 attempts: HTTP 503, HTTP 503, HTTP 503; gave up after 3 attempts\]$/],
    ['429 Retry-After: 60 (always; beyond the deadline)', { status: 429, retryAfter: '60' }, /\[1 attempt: HTTP 429 \(Retry-After 60 s\); the server asked to wait 60 s, more than the .* left\]$/],
  ];
  it.each(failing)('#10 %s: given up within the deadline, an error names the queue and its attempts', async (fault, behaviour, attempts) => {
    const server = await storageFaultServer(behaviour, () => azurite.queuePort, stops);
    const o = await fanOut(queueAt(server.port));
    row(`${fault} [${server.faulted} of ${server.requests} requests faulted]`, o, `threw: ${o.error?.name}`);
    expect(o.error?.message).toMatch(new RegExp(`^queue ${CHECK_QUEUE}: none of ${BATCHES} batch\\(es\\) of run [\\w-]+ enqueued: `));
    expect(o.error?.message).toMatch(attempts);
    expect(o.errors).toEqual([`fan-out: ${o.error?.message}`]);
    expect(o.ms).toBeLessThan(ENQUEUE_TIMEOUT_MS + SLACK_MS);
    expect(server.faulted).toBeGreaterThan(0);
  }, 60_000);

  it('#10 503 once: retried within the deadline, every batch enqueued exactly once, no error', async () => {
    await drain();
    const server = await storageFaultServer({ status: 503, times: 1 }, () => azurite.queuePort, stops);
    const o = await fanOut(queueAt(server.port));
    row(`503 once [${server.requests} requests, ${server.faulted} faulted]`, o, `fanned out: ${o.fannedOut}`);
    expect(o.error).toBeUndefined();
    expect(o.fannedOut).toBe(true);
    expect(o.errors).toEqual([]);
    expect(server.faulted).toBe(1);
    expectEveryBatchOnce(await drain());
  }, 60_000);
});
