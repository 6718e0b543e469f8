import { RecentRun } from '../../shared/run/recent-run';

describe('RecentRun', () => {
  it('shares the run in flight, reuses it within the interval with its age, and runs again after', async () => {
    let now = 1000;
    const recent = new RecentRun<number>(() => now);
    let runs = 0;
    const start = async () => ++runs;
    const [a, b] = await Promise.all([recent.get('k', 60_000, start), recent.get('k', 60_000, start)]);
    expect([a, b]).toEqual([{ value: 1, ageMs: 0, reused: false }, { value: 1, ageMs: 0, reused: false }]);
    now += 5_000;
    expect(await recent.get('k', 60_000, start)).toEqual({ value: 1, ageMs: 5_000, reused: true });
    now += 60_000;
    expect(await recent.get('k', 60_000, start)).toEqual({ value: 2, ageMs: 0, reused: false });
  });

  it('never reuses a run of another key (another config)', async () => {
    const recent = new RecentRun<string>();
    await recent.get('a', 60_000, async () => 'run of a');
    expect((await recent.get('b', 60_000, async () => 'run of b')).value).toBe('run of b');
  });

  it('does not keep a run that failed: every waiter gets the error, the next request starts anew', async () => {
    const recent = new RecentRun<number>();
    const failing = () => Promise.reject(new Error('config broke'));
    await expect(Promise.all([recent.get('k', 60_000, failing), recent.get('k', 60_000, failing)])).rejects.toThrow('config broke');
    expect(await recent.get('k', 60_000, async () => 7)).toMatchObject({ value: 7, reused: false });
  });
});
