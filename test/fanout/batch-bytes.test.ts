/**
 * Issue 16 item 5: fan-out at its own documented maximum. FANOUT_BATCH_SIZE 1,000 with ids of 64
 * characters made ~89 KB messages, which the queue refuses (64 KiB, base64 included): batches are
 * sized by encoded bytes as well as count. The real queue is Azurite, which enforces the limit.
 */
import { InvocationContext } from '@azure/functions';
import type { QueueClient } from '@azure/storage-queue';
import { fanOutIfLarge } from '../../functions/fan-out';
import { BATCH_MESSAGE_VERSION, encodeBatch, MAX_ENCODED_BYTES, parseBatch, type BatchMessage } from '../../shared/fanout/batch-message';
import { CHECK_QUEUE } from '../../shared/fanout/fanout-settings';
import { planBatches } from '../../shared/fanout/plan-batches';
import { planRun } from '../../shared/run/plan';
import { parseConfig } from '../../shared/config/load';
import { queueClient, storageAccount } from '../../shared/storage/storage-account';
import { startAzurite, type Azurite } from '../storage/azurite';

let azurite: Azurite;
let queue: QueueClient;

beforeAll(async () => {
  azurite = await startAzurite();
  queue = queueClient(storageAccount(azurite.env), CHECK_QUEUE);
});

afterAll(async () => {
  await azurite?.stop();
});

/** `n` mailboxes of one app whose ids are `width` characters, the most the schema allows being 64. */
function config(n: number, width: number) {
  return {
    apps: [{ id: 'a'.repeat(64), tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { env: 'UNUSED_SECRET' } }],
    mailboxes: Array.from({ length: n }, (_, i) => ({ id: `${i}-`.padEnd(width, 'x'), address: `m${i}@contoso.example`, app: 'a'.repeat(64) })),
  };
}

async function drain(q: QueueClient): Promise<{ texts: string[]; messages: BatchMessage[] }> {
  const texts: string[] = [];
  for (;;) {
    const { receivedMessageItems } = await q.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) break;
    for (const m of receivedMessageItems) {
      texts.push(m.messageText);
      await q.deleteMessage(m.messageId, m.popReceipt);
    }
  }
  return { texts, messages: texts.map((t) => parseBatch(Buffer.from(t, 'base64').toString('utf8'))) };
}

function context(): { context: InvocationContext; logs: string[] } {
  const logs: string[] = [];
  return { context: new InvocationContext({ invocationId: 't', functionName: 'checkTimer', logHandler: (_level, ...args) => logs.push(args.join(' ')) }), logs };
}

describe('#16.5 fan-out at its documented maximum', () => {
  it('#16.5 the failing twin: the queue refuses one message of 1,000 ids of 64 characters, as it was sent before', async () => {
    await queue.createIfNotExists();
    const ids = config(1000, 64).mailboxes.map((m) => m.id);
    const text = Buffer.from(JSON.stringify({ v: 1, runId: 'r', config: 'c', app: 'a', mailboxes: ids, batch: 1, batches: 1, enqueuedAt: new Date().toISOString() })).toString('base64');
    expect(text.length).toBeGreaterThan(MAX_ENCODED_BYTES);
    await expect(queue.sendMessage(text)).rejects.toMatchObject({ statusCode: 413 });
    // And the encoder names the problem itself instead of leaving it to the queue.
    expect(() => encodeBatch({ v: BATCH_MESSAGE_VERSION, runId: 'r', config: 'c', app: 'a', mailboxes: ids, batch: 1, batches: 1, enqueuedAt: '' })).toThrow(/over the queue's limit of 65536/);
  });

  it('#16.5 FANOUT_BATCH_SIZE 1,000 with 64-character ids: every batch reaches the queue within 64 KiB, each id once', async () => {
    const env = { ...azurite.env, MAILBOX_HEALTH_CONFIG: JSON.stringify(config(1000, 64)), FANOUT_THRESHOLD: '0', FANOUT_BATCH_SIZE: '1000' };
    const { context: ctx, logs } = context();
    await expect(fanOutIfLarge(ctx, env)).resolves.toBe(true);
    const { texts, messages } = await drain(queue);
    expect(messages.length).toBe(2);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    // Evenly filled, every id once, in order.
    expect(messages.map((m) => m.mailboxes.length)).toEqual([500, 500]);
    expect(messages.flatMap((m) => m.mailboxes)).toEqual(config(1000, 64).mailboxes.map((m) => m.id));
    expect(logs.join('\n')).toContain('fanned out as 2 batch(es)');
  });

  it('#16.5 short ids still fill a batch up to FANOUT_BATCH_SIZE: bytes add batches only when needed', () => {
    const plan = planRun(parseConfig(config(2500, 8), 'test'));
    const batches = planBatches(plan, 1000);
    expect(batches.map((b) => b.mailboxes.length)).toEqual([834, 834, 832]);
    for (const batch of batches) {
      const text = encodeBatch({ v: BATCH_MESSAGE_VERSION, runId: '0'.repeat(36), config: '0'.repeat(16), app: batch.app, mailboxes: batch.mailboxes, batch: 1, batches: 3, enqueuedAt: new Date().toISOString() });
      expect(text.length).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    }
  });
});
