/**
 * The uptime tally through the real store (Azurite): two instances recording the same mailbox at
 * once both count (the latest row is written with its ETag; the loser re-reads and adds its run),
 * and the failing twin — writers that ignore the ETag lose a count. HISTORY_DAYS given to the store
 * bounds the days each write keeps.
 */
import { latestRow, type LatestRow } from '../../shared/state/mailbox-state';
import { StateStore } from '../../shared/state/state-store';
import type { Uptime } from '../../shared/state/uptime';
import { parseTally, uptimeOfStored, type Tally } from '../../shared/state/uptime-tally';
import { storageAccount } from '../../shared/storage/storage-account';
import { startAzurite, type Azurite } from '../storage/azurite';
import { result, runContext } from './results';

let azurite: Azurite;
let seq = 0;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

const T0 = Date.UTC(2026, 10, 30, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const NOW = new Date(T0 + 3 * 3600_000);
const MBX = { id: 'm', address: 'm@contoso.example', app: 'logicaldoc' };

/** Two instances on the same tables: separate clients, as two Function App instances have. */
function instances(historyDays = 7): [StateStore, StateStore] {
  seq++;
  const names = { latest: `tallylatest${seq}`, history: `tallyhistory${seq}` };
  return [StateStore.fromAccount(storageAccount(azurite.env), names, historyDays), StateStore.fromAccount(storageAccount(azurite.env), names, historyDays)];
}

/** Counts the ETag conflicts (412) and create races (409) a store's writes meet. */
function countConflicts(store: StateStore): { conflicts: number } {
  const seen = { conflicts: 0 };
  for (const method of ['updateEntity', 'createEntity'] as const) {
    const original = store.latest[method].bind(store.latest) as (...args: unknown[]) => Promise<unknown>;
    (store.latest as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      try {
        return await original(...args);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 409 || (error as { statusCode?: number }).statusCode === 412) seen.conflicts++;
        throw error;
      }
    };
  }
  return seen;
}

/**
 * Makes the two instances' reads of the row meet: once armed, each instance's next read is held
 * until the other's has answered, so both compute from the same row and one write must lose — the race the ETag
 * settles, made certain rather than left to timing (a fixed 100 ms window missed it on a loaded CI
 * machine). Reads after that one (a loser's re-read) pass straight through. `arm()` once per round.
 */
function lockstep(a: StateStore, b: StateStore): { arm(): void } {
  const armed = new Map<StateStore, boolean>();
  let waiting: (() => void) | undefined;
  for (const store of [a, b]) {
    const original = store.latest.getEntity.bind(store.latest) as (...args: unknown[]) => Promise<unknown>;
    (store.latest as unknown as Record<string, unknown>).getEntity = async (...args: unknown[]) => {
      // The read is made first and its answer held until the other instance's read has answered
      // too: both then hold the same version, whatever the machine's load does to the order.
      const answer = await original(...args).then((value) => ({ value }), (error: unknown) => ({ error }));
      if (armed.get(store)) {
        armed.set(store, false);
        if (waiting) {
          const release = waiting;
          waiting = undefined;
          release();
        } else {
          // Bounded, so a broken pairing fails the conflict count instead of hanging the test.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 10_000);
            waiting = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
      if ('error' in answer) throw answer.error;
      return answer.value;
    };
  }
  return {
    arm() {
      armed.set(a, true);
      armed.set(b, true);
    },
  };
}

const figures = async (store: StateStore): Promise<Uptime> => uptimeOfStored((await store.get('m'))!.tally, NOW, 7) as Uptime;

describe('uptime tally in Azurite', () => {
  it('two instances creating the same new mailbox\'s row at once both count (the loser of the create re-reads and adds)', async () => {
    const [a, b] = instances();
    await Promise.all([a.ensureTables(), b.ensureTables()]);
    const seen = [countConflicts(a), countConflicts(b)];
    lockstep(a, b).arm();
    await Promise.all([a.record([result('m', 'ok', at(1))], runContext('r1')), b.record([result('m', 'failed', at(2))], runContext('r2'))]);
    expect((await figures(a)).day).toMatchObject({ checks: 2, up: 1, percent: 50 });
    expect(seen[0]!.conflicts + seen[1]!.conflicts).toBeGreaterThanOrEqual(1);
  });

  it('twenty rounds of two instances (and a dead batch) recording the same mailbox at once: every run counted exactly once', async () => {
    const [a, b] = instances();
    await Promise.all([a.record([result('m', 'ok', at(0))], runContext('r0')), b.ensureTables()]);
    const seen = [countConflicts(a), countConflicts(b)];
    const pair = lockstep(a, b);
    for (let i = 1; i <= 20; i++) {
      pair.arm();
      await Promise.all([
        a.record([result('m', 'ok', at(i))], runContext(`a${i}`)),
        b.record([result('m', i % 5 === 0 ? 'failed' : 'degraded', at(i))], runContext(`b${i}`)),
        ...(i === 10 ? [b.markNotChecked([MBX], 'dead batch', runContext('dead'), at(i))] : []),
      ]);
    }
    // 1 + 40 checks, 4 of them failed; the dead batch left out.
    expect((await figures(a)).day).toMatchObject({ checks: 41, up: 37, notChecked: 1, maintenance: 0, percent: 90.24 });
    expect(await a.historyOf('m', new Date(at(-1)))).toHaveLength(42);
    // Every round collided (each round's first reads met): the ETag retry is what kept the counts.
    expect(seen[0]!.conflicts + seen[1]!.conflicts).toBeGreaterThanOrEqual(20);
  });

  it('failing twin: two writers that replace the row without its ETag, both from the same read, lose a count', async () => {
    const [a] = instances();
    await a.record([result('m', 'ok', at(0))], runContext('r0'));
    const previous = (await a.get('m'))!;
    const write = (row: LatestRow) => a.latest.upsertEntity(row as unknown as LatestRow & Record<string, unknown>, 'Replace');
    await Promise.all([write(latestRow(result('m', 'ok', at(1)), runContext('r1'), previous)), write(latestRow(result('m', 'failed', at(2)), runContext('r2'), previous))]);
    expect((await figures(a)).day.checks).toBe(2);
  });

  it('a store told HISTORY_DAYS=3 keeps 4 day buckets in the row, dropping older days as it rewrites it', async () => {
    const [a] = instances(3);
    for (let d = 10; d >= 0; d--) await a.record([result('m', 'ok', at(-d * 24 * 60))], runContext(`d${d}`));
    const tally = parseTally((await a.get('m'))!.tally) as Tally;
    expect(tally.days.map((b) => b.checks)).toEqual([1, 1, 1, 1]);
    expect((uptimeOfStored((await a.get('m'))!.tally, NOW, 3) as Uptime).kept).toMatchObject({ checks: 4, complete: true });
  });
});
