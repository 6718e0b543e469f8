/**
 * Issue 16 item 11: forged or oversized queue messages, the queue handlers called as the host
 * calls them, the state in the real Azurite. Anyone who can write to the queue can write anything:
 * a message is checked like the config (types, lengths, characters, ids known to the config) and
 * a bad one is refused whole, before any row is written, with a bounded log line.
 */
import { InvocationContext } from '@azure/functions';
import { checkBatch } from '../../functions/check-batch';
import { checkBatchPoison } from '../../functions/check-batch-poison';
import { BatchMessageError, fingerprint, type BatchMessage } from '../../shared/fanout/batch-message';
import { StateStore } from '../../shared/state/state-store';
import { storageAccount } from '../../shared/storage/storage-account';
import { startAzurite, type Azurite } from '../storage/azurite';

let azurite: Azurite;
let store: StateStore;
let env: NodeJS.ProcessEnv;

const CONFIG = JSON.stringify({
  apps: [{ id: 'a', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { env: 'BATCH_VALIDATION_UNSET_SECRET' } }],
  mailboxes: ['m1', 'm2', 'm3', 'm4'].map((id) => ({ id, address: `${id}@contoso.example`, app: 'a' })),
});

beforeAll(async () => {
  azurite = await startAzurite();
  env = { ...azurite.env, MAILBOX_HEALTH_CONFIG: CONFIG, BATCH_VALIDATION_UNSET_SECRET: '' };
  store = StateStore.fromAccount(storageAccount(azurite.env));
});

afterAll(async () => {
  await azurite?.stop();
});

const message = (over: Partial<Record<keyof BatchMessage, unknown>> = {}) => ({ v: 1, runId: 'run-1', config: fingerprint(CONFIG), app: 'a', mailboxes: ['m1'], batch: 1, batches: 1, enqueuedAt: '2026-12-01T10:00:00.000Z', ...over });

function context(): { context: InvocationContext; logs: string[] } {
  const logs: string[] = [];
  return { context: new InvocationContext({ invocationId: 'x', functionName: 'checkBatch', logHandler: (level, ...args) => logs.push(`${level}: ${args.join(' ')}`) }), logs };
}

/** checkBatch's refusal: a BatchMessageError of bounded length, and not one row written. */
async function refused(item: unknown): Promise<string> {
  const before = (await store.list()).map((r) => `${r.mailbox} ${r.runId} ${r.checkedAt}`);
  const error = await checkBatch(item, context().context, env).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BatchMessageError);
  expect((await store.list()).map((r) => `${r.mailbox} ${r.runId} ${r.checkedAt}`)).toEqual(before);
  const text = (error as Error).message;
  expect(text.length).toBeLessThan(2000);
  expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/);
  return text;
}

describe('#16.11 queue messages are validated like the config', () => {
  it('#16.11 the twin: a well-formed message of known ids is checked and its results are stored', async () => {
    await checkBatch(message({ runId: 'run-ok', mailboxes: ['m1', 'm2'] }), context().context, env);
    const rows = new Map((await store.list()).map((r) => [r.mailbox, r]));
    expect([rows.get('m1')?.runId, rows.get('m2')?.runId, rows.get('m2')?.code]).toEqual(['run-ok', 'run-ok', expect.stringMatching(/^SECRET_/)]);
    expect(await store.historyOf('m1', new Date(0))).toHaveLength(1);
  });

  it('#16.11 a 3,000-character runId (a history RowKey past 1 KiB) is refused before the check, naming runId', async () => {
    expect(await refused(message({ runId: 'r'.repeat(3000), mailboxes: ['m3'] }))).toMatch(/^batch message: runId: must be a run id .*, not "r{40}… \(3,000 characters\)"$/);
  });

  it('#16.11 a 2,000-character id after good ones is refused whole: no row for the good ones either', async () => {
    expect(await refused(message({ runId: 'run-long-id', mailboxes: ['m3', 'm4', 'x'.repeat(2000)] }))).toContain('mailboxes[2]: must be a mailbox id');
  });

  it('#16.11 a lone surrogate is a named problem, not a URIError', async () => {
    expect(await refused(message({ mailboxes: ['m3', 'bad\ud800id'] }))).toContain('mailboxes[1]: must be a mailbox id (1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit), not "bad\\ud800id"');
  });

  it('#16.11 ids with control characters, markup or Table-forbidden characters are refused, escaped in the message', async () => {
    const text = await refused(message({ mailboxes: ['ok\u001b[31m', '<img src=x onerror=alert(1)>', 'a/b\\c#d?e', 'bidi\u202eid'] }));
    expect(text).toContain('mailboxes[0]: must be a mailbox id');
    expect(text).toContain('mailboxes[1]');
    expect(text).toContain('mailboxes[2]');
    expect(text).toContain('mailboxes[3]: must be a mailbox id (1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit), not "bidi\\u202eid"');
  });

  it('#16.11 5,000 ids, wrong types and unknown fields: refused in one bounded line', async () => {
    const many = await refused(message({ mailboxes: Array.from({ length: 5000 }, (_, i) => `unknown-${i}`) }));
    expect(many).toBe('batch message: mailboxes: must hold at most 1000 ids, not 5,000');
    const types = await refused({ v: 2, runId: 7, config: null, app: ['a'], mailboxes: 'm1', batch: 0, batches: 1.5, enqueuedAt: 'yesterday', extra: 'x'.repeat(10_000) });
    expect(types).toBe(
      'batch message: extra: not a field of a batch message; v: must be 1, not 2; runId: must be a run id (1-64 letters, digits, dots, colons, dashes or underscores), not a whole number; ' +
        'config: must be a config fingerprint (1-64 base64url characters), not null; app: must be an app id (1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit), not an array; ' +
        'enqueuedAt: must be an ISO date and time, not "yesterday"; mailboxes: must be a non-empty list of mailbox ids, not "m1"; batch: must be a whole number from 1 to 1000000; batches: must be a whole number from 1 to 1000000',
    );
  });

  it('#16.11 ids unknown to the very config the message claims (same fingerprint) are a forgery: refused whole', async () => {
    expect(await refused(message({ mailboxes: ['m3', 'ghost-1', 'ghost-2'] }))).toBe('batch message: mailboxes: 2 id(s) not in the config it claims to be planned from (ghost-1, ghost-2): not a batch the timer wrote');
  });

  it('#16.11 a batch from an older config checks its known ids and names the rest in a bounded line', async () => {
    const { context: ctx, logs } = context();
    const gone = Array.from({ length: 900 }, (_, i) => `removed-mailbox-with-a-long-name-${i}`);
    await checkBatch(message({ runId: 'run-stale', config: 'older-config', mailboxes: ['m4', ...gone] }), ctx, env);
    expect(logs[0]).toMatch(/not checking 900 mailbox\(es\) it no longer has: removed-mailbox-with-a-long-name-0, .* …and 890 more$/);
    expect(logs[0]!.length).toBeLessThan(1000);
    expect((await store.get('m4'))?.runId).toBe('run-stale');
    expect(await store.get('removed-mailbox-with-a-long-name-0')).toBeUndefined();
  });
});

describe('#16.11 the poison handler', () => {
  it('#16.11 a dead batch marks only ids the config has; the others get no "No longer configured" row', async () => {
    const { context: ctx, logs } = context();
    await checkBatchPoison(message({ runId: 'run-dead', config: 'older-config', mailboxes: ['m1', 'ghost-a', 'ghost-b'] }), ctx, env);
    expect((await store.get('m1'))?.status).toBe('not-checked');
    expect(await store.get('ghost-a')).toBeUndefined();
    expect(logs).toContainEqual('warning: dead batch of run run-dead: 2 of its mailbox id(s) are not in the config and are not marked: ghost-a, ghost-b');
  });

  it('#16.11 an unreadable poison message is reported in one bounded, escaped line, nothing written', async () => {
    const { context: ctx, logs } = context();
    const before = (await store.list()).length;
    await checkBatchPoison(JSON.stringify(message({ runId: `\u001b]0;pwned\u0007${'r'.repeat(100_000)}` })), ctx, { ...env, APPLICATIONINSIGHTS_CONNECTION_STRING: '' });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.length).toBeLessThan(2000);
    expect(logs[0]).not.toMatch(/[\u0000-\u001f]/);
    expect(logs[0]).toContain('an unreadable message was dead-lettered on mailbox-checks-poison: batch message: runId: must be a run id');
    expect((await store.list()).length).toBe(before);
  });
});
