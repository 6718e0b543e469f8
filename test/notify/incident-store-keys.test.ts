/**
 * Issue 16 left `incident-store.ts` decoding a channel row's key the old way: a row whose key is
 * not one this code wrote (a lone `%`, e.g. added by hand in Storage Explorer) threw URIError and
 * failed the whole listing of failing channels. Now such a row is listed by its raw key. Against
 * Azurite, through the store's own listing.
 */
import { IncidentStore } from '../../shared/notify/incident-store';
import { encodeKey } from '../../shared/state/mailbox-state';
import { startAzurite, type Azurite } from '../storage/azurite';

let azurite: Azurite;
let store: IncidentStore;

beforeAll(async () => {
  azurite = await startAzurite();
  store = IncidentStore.fromAccount({ kind: 'connectionString', connectionString: azurite.connectionString }, 'incidentkeys');
  await store.recordDelivery('teams', false, 'teams channel teams: 127.0.0.1 answered 500', '2026-12-04T10:00:00.000Z');
}, 60_000);
afterAll(() => azurite?.stop());

test('a hand-written channel row with an undecodable key and no channel field is listed by its raw key, with the others', async () => {
  await store.table.upsertEntity({ partitionKey: 'channel', rowKey: 'hook%zz', lastFailedAt: '2026-12-04T10:05:00.000Z', lastError: 'refused' });
  const failing = await store.failingChannels();
  expect(failing.map((c) => c.channel).sort()).toEqual(['hook%zz', 'teams']);
  expect(failing.find((c) => c.channel === 'hook%zz')!.lastError).toBe('refused');
});

test('(twin) a row without a channel field whose key this code encoded is listed by its decoded name', async () => {
  await store.table.upsertEntity({ partitionKey: 'channel', rowKey: encodeKey('ops/hook #1'), lastFailedAt: '2026-12-04T10:06:00.000Z', lastError: 'x' });
  expect((await store.failingChannels()).map((c) => c.channel)).toContain('ops/hook #1');
});
