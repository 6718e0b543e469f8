/**
 * The uptime tally (shared/state/uptime-tally.ts) at fixed times, fed as the store feeds it (each
 * row through latestRow / notCheckedRow): which buckets each window counts, what is left out, the
 * span said, rollover across hours, days and HISTORY_DAYS, the worst-case size, and a malformed
 * tally read as "uptime unreadable" for its mailbox only. The history rows of the same runs are
 * the cross-check (history-uptime.ts).
 */
import { historyRow, latestRow, notCheckedHistoryRow, notCheckedRow, toLatestRow, type HistoryRow, type LatestRow } from '../../shared/state/mailbox-state';
import { describeFigure, type Uptime } from '../../shared/state/uptime';
import { uptimeOfRows } from '../../shared/state/uptime-read';
import { addToTally, MAX_COUNT, MAX_HISTORY_DAYS, parseTally, tallyText, TALLY_HOURS, uptimeOfStored, uptimeOfTally, type Tally } from '../../shared/state/uptime-tally';
import { historyCounts } from './history-uptime';
import { result, runContext } from './results';

const NOW = new Date('2026-12-04T12:30:00.000Z');
const HOUR = 3600_000;
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR).toISOString();
const MBX = { id: 'm', address: 'm@contoso.example', app: 'logicaldoc' };

/** One mailbox's runs, oldest first, recorded as the store does: the latest row and a history row each. */
type Run = { kind: 'check'; at: string; status: 'ok' | 'degraded' | 'failed'; extra?: Parameters<typeof result>[3] } | { kind: 'dead'; at: string };
function record(runs: Run[], historyDays: number): { row: LatestRow; history: HistoryRow[] } {
  let row: LatestRow | undefined;
  const history: HistoryRow[] = [];
  for (const [i, run] of runs.entries()) {
    if (run.kind === 'dead') {
      row = notCheckedRow(MBX, 'dead batch', run.at, runContext(`r${i}`), row, historyDays);
      history.push(notCheckedHistoryRow('m', 'dead batch', run.at, runContext(`r${i}`)));
    } else {
      const r = result('m', run.status, run.at, run.extra);
      row = latestRow(r, runContext(`r${i}`), row, historyDays);
      history.push(historyRow(r, runContext(`r${i}`)));
    }
  }
  return { row: row!, history };
}

const figures = (row: LatestRow, historyDays: number): Uptime => {
  const u = uptimeOfStored(row.tally, NOW, historyDays);
  if ('unreadable' in u) throw new Error(u.unreadable);
  return u;
};

describe('uptime tally: windows', () => {
  // 10 days: failed 200 h and 100 h ago, ok otherwise; degraded 2 h ago; a run that never reached
  // the mailbox (the run's deadline) 3 h ago; a dead batch 5 h ago; a failure in maintenance 6 h ago.
  const runs: Run[] = [
    ...[230, 200, 150, 100, 30, 20, 10].map((h): Run => ({ kind: 'check', at: hoursAgo(h), status: h === 200 || h === 100 ? 'failed' : 'ok' })),
    { kind: 'check', at: hoursAgo(6), status: 'failed', extra: { maintenance: { reason: 'migration', endsAt: hoursAgo(4) } } },
    { kind: 'dead', at: hoursAgo(5) },
    { kind: 'check', at: hoursAgo(3), status: 'failed', extra: { failure: { code: 'CHECK_TIMEOUT', phase: 'run', kind: 'timeout', message: "not checked: the run's deadline (timeouts.runMs) was reached before its turn", remedy: 'r' } } },
    { kind: 'check', at: hoursAgo(2), status: 'degraded' },
    { kind: 'check', at: hoursAgo(1), status: 'ok' },
  ];
  const { row, history } = record(runs, 30);

  it('24 h = the current UTC hour (30 min) and the 24 whole hours before it: ok and degraded count, the never-reached run, the dead batch and the maintenance check do not', () => {
    // The tally began 230 h ago, so it covers the whole window, which starts at 12:00 yesterday.
    expect(figures(row, 30).day).toEqual({ windowHours: 24, from: '2026-12-03T12:00:00.000Z', coveredHours: 24.5, complete: true, checks: 4, up: 4, notChecked: 2, maintenance: 1, percent: 100 });
  });

  it('7 d = the current UTC day and the 7 whole days before it (from 27 Nov 00:00): the failure 100 h ago counts; 6 of 7 up', () => {
    expect(figures(row, 30).week).toMatchObject({ windowHours: 168, from: '2026-11-27T00:00:00.000Z', coveredHours: 180.5, complete: true, checks: 7, up: 6, percent: 85.71 });
  });

  it('the kept history (30 days): it says it covers only the 230 h since its first run', () => {
    const kept = figures(row, 30).kept;
    expect(kept).toMatchObject({ windowHours: 720, from: hoursAgo(230), coveredHours: 230, checks: 9, up: 7, percent: 77.78, complete: false });
    expect(describeFigure(kept)).toBe('77.78% over 9.6 d');
  });

  it('equals the history rows of the same runs over the span each figure says it covers', () => {
    for (const f of Object.values(figures(row, 30))) {
      const { checks, up, notChecked, maintenance, percent } = f;
      expect(historyCounts(history, new Date(f.from!), NOW)).toEqual({ checks, up, notChecked, maintenance, percent });
    }
  });

  it('failing twin: the same runs with the dead batch and the maintenance check counted as failures would read 4 of 6 up in 24 h', () => {
    const careless = runs.map((r): Run => (r.kind === 'dead' ? { kind: 'check', at: r.at, status: 'failed' } : { ...r, extra: r.extra?.maintenance ? {} : r.extra }));
    expect(figures(record(careless, 30).row, 30).day).toMatchObject({ checks: 6, up: 4, notChecked: 1, maintenance: 0, percent: 66.67 });
  });

  it('a mailbox new this hour says the minutes it covers; one never checked is "no checks" in every window', () => {
    const fresh = record([{ kind: 'check', at: hoursAgo(0.2), status: 'ok' }], 7).row;
    expect(figures(fresh, 7).day).toMatchObject({ from: hoursAgo(0.2), coveredHours: 0.2, complete: false, checks: 1, percent: 100 });
    expect(describeFigure(figures(fresh, 7).week)).toBe('100% over 12 min');
    for (const f of Object.values(uptimeOfTally(undefined, NOW, 7))) expect(f).toMatchObject({ from: null, coveredHours: 0, complete: false, checks: 0, percent: null });
    expect(describeFigure(uptimeOfTally(undefined, NOW, 7).day)).toBe('no checks');
  });

  it('a row written before the tally existed starts it at its next check: the figures cover only from then', () => {
    const { tally: _t, ...old } = record([{ kind: 'check', at: hoursAgo(50), status: 'failed' }], 7).row;
    const next = latestRow(result('m', 'ok', hoursAgo(1)), runContext('n'), { ...old, tally: '' });
    expect(figures(next, 7).week).toMatchObject({ from: hoursAgo(1), checks: 1, up: 1, complete: false });
  });
});

describe('uptime tally: rollover', () => {
  const at = (iso: string) => ({ status: 'ok', phase: '', at: iso });

  it('hours: 10:59 and 11:00 are two buckets; an hour 25 h back leaves the 24-hour figure but stays in its day', () => {
    let t = addToTally(undefined, at('2026-12-03T10:59:59.999Z'), 7);
    t = addToTally(t, { status: 'failed', phase: 'auth', at: '2026-12-03T11:00:00.000Z' }, 7);
    expect(t.hours.slice(-2)).toEqual([{ checks: 1, up: 1, notChecked: 0, maintenance: 0 }, { checks: 1, up: 0, notChecked: 0, maintenance: 0 }]);
    t = addToTally(t, at('2026-12-04T11:30:00.000Z'), 7);
    // At 11:30 the day window starts at 11:00 yesterday: 10:59 is out, 11:00 (failed) in.
    const u = uptimeOfTally(t, new Date('2026-12-04T11:30:00.000Z'), 7);
    expect(u.day).toMatchObject({ checks: 2, up: 1, from: '2026-12-03T11:00:00.000Z', complete: true });
    expect(u.week).toMatchObject({ checks: 3, up: 2 });
    expect(t.hours.filter((b) => b.checks).length).toBe(2);
  });

  it('days: midnight UTC starts a new day bucket; a gap of many days shifts the old ones out', () => {
    let t = addToTally(undefined, at('2026-12-01T23:59:00.000Z'), 3);
    t = addToTally(t, at('2026-12-02T00:00:00.000Z'), 3);
    expect(t.days.length).toBe(4);
    expect(t.days.slice(-2).map((b) => b.checks)).toEqual([1, 1]);
    t = addToTally(t, at('2026-12-20T00:00:00.000Z'), 3);
    expect(t.days.map((b) => b.checks)).toEqual([0, 0, 0, 1]);
    expect(t.hours.map((b) => b.checks).reduce((a, b) => a + b)).toBe(1);
  });

  it('HISTORY_DAYS: buckets older than the kept days are dropped on each update, and the 7-day figure of a 3-day history says its span', () => {
    let t: Tally | undefined;
    for (let d = 10; d >= 0; d--) t = addToTally(t, at(new Date(Date.UTC(2026, 11, 4 - d, 6)).toISOString()), 3);
    expect(t!.days.length).toBe(3 + 1);
    const u = uptimeOfTally(t, NOW, 3);
    expect(u.kept).toMatchObject({ windowHours: 72, checks: 4, from: '2026-12-01T00:00:00.000Z', complete: true });
    expect(u.week).toMatchObject({ checks: 4, from: '2026-12-01T00:00:00.000Z', coveredHours: 84.5, complete: false });
    expect(describeFigure(u.week)).toBe('100% over 3.5 d');
  });

  it('a page with a shorter HISTORY_DAYS than the writer\'s reads only its days; a longer one says the span kept', () => {
    let t: Tally | undefined;
    for (let d = 10; d >= 0; d--) t = addToTally(t, at(new Date(Date.UTC(2026, 11, 4 - d, 6)).toISOString()), 30);
    expect(uptimeOfTally(t, NOW, 2).kept).toMatchObject({ checks: 3, complete: true });
    expect(uptimeOfTally(t, NOW, 30).kept).toMatchObject({ checks: 11, from: '2026-11-24T06:00:00.000Z', complete: false });
  });

  it('a late, older result lands in its own bucket; one older than the buckets kept counts nowhere; one from the future is left out of the figures', () => {
    let t = addToTally(undefined, at('2026-12-04T12:10:00.000Z'), 7);
    t = addToTally(t, { status: 'failed', phase: 'auth', at: '2026-12-04T09:10:00.000Z' }, 7);
    expect(t.hours[TALLY_HOURS - 3]).toMatchObject({ checks: 1, up: 0 });
    const before = tallyText(t);
    t = addToTally(t, at('2026-11-01T00:00:00.000Z'), 7);
    expect(tallyText(t).split('|').slice(2)).toEqual(before.split('|').slice(2));
    t = addToTally(t, at('2026-12-04T15:00:00.000Z'), 7);
    expect(uptimeOfTally(t, NOW, 7).day).toMatchObject({ checks: 2, up: 1 });
  });
});

describe('uptime tally: size and bad stored text', () => {
  it('worst case (366 days kept, every count of every bucket at its 7-digit cap) stays under Table Storage\'s 32 K-character (64 KiB) string limit', () => {
    const full = { checks: MAX_COUNT, up: MAX_COUNT, notChecked: MAX_COUNT, maintenance: MAX_COUNT };
    // Times as long as they get before the year 2286 (13-digit milliseconds).
    const last = 9_999_999_999_000;
    const worst: Tally = { since: last - 400 * 86_400_000, hour: Math.floor(last / HOUR), hours: Array(TALLY_HOURS + 1).fill(full), day: Math.floor(last / 86_400_000), days: Array(MAX_HISTORY_DAYS + 1).fill(full) };
    const text = tallyText(worst);
    // (25 + 367) buckets of 31 characters and a separator, plus the header: 12,574 characters (25 KB as UTF-16).
    expect(text.length).toBeLessThanOrEqual(392 * 32 + 40);
    expect(text.length).toBe(12_574);
    expect(text.length).toBeLessThan(32 * 1024 / 2);
    expect(Buffer.byteLength(text, 'utf16le')).toBeLessThan(64 * 1024);
    expect(parseTally(text)).toEqual(worst);
    // At the cap a bucket stops counting rather than grow a digit.
    const capped = addToTally(worst, { status: 'failed', phase: 'auth', at: new Date(last).toISOString() }, MAX_HISTORY_DAYS);
    expect(tallyText(capped).length).toBeLessThanOrEqual(text.length);
  });

  it('a real year at one check a minute: about 6 KB', () => {
    let t: Tally | undefined;
    const start = Date.parse('2025-12-04T00:00:00Z');
    // Built every 6 hours for a year, then given a minute-by-minute day's counts (building 527,040 events is slow for nothing).
    for (let h = 0; h < 366 * 24; h += 6) t = addToTally(t, { status: 'ok', phase: '', at: new Date(start + h * HOUR).toISOString() }, 366);
    const year = { ...t!, days: t!.days.map(() => ({ checks: 1440, up: 1439, notChecked: 1, maintenance: 0 })), hours: t!.hours.map(() => ({ checks: 60, up: 60, notChecked: 0, maintenance: 0 })) };
    expect(tallyText(year).length).toBeLessThan(7000);
  });

  it.each([
    ['garbage', 'not a tally'],
    ['another version', '2|0|0||0|'],
    ['a count that is not one', `1|0|10|${'x,'.repeat(24)}|0|,`],
    ['more up than checks', `1|0|10|${','.repeat(24)}|0|1.2.0.0,`],
    ['the wrong number of hours', '1|0|10|,,|0|,'],
    ['a negative time', `1|-5|10|${','.repeat(24)}|0|,`],
  ])('malformed (%s): that mailbox\'s uptime is unreadable, its row is not', (_what, tally) => {
    const ok = latestRow(result('m', 'ok', hoursAgo(1)), runContext('r'));
    const row = toLatestRow({ ...ok, tally });
    expect(row.unreadable).toBeUndefined();
    expect(row.status).toBe('ok');
    const u = uptimeOfStored(row.tally, NOW, 7);
    expect(u).toEqual({ unreadable: expect.stringMatching(/^uptime unreadable: its uptime tally /) });
    // The next check starts the tally afresh instead of failing.
    const next = latestRow(result('m', 'ok', hoursAgo(0.5)), runContext('r2'), row);
    expect(uptimeOfStored(next.tally, NOW, 7)).toMatchObject({ day: { checks: 1, up: 1 } });
  });

  it('its twin: the same row with its own tally is read', () => {
    const ok = latestRow(result('m', 'ok', hoursAgo(1)), runContext('r'));
    expect(uptimeOfStored(toLatestRow({ ...ok }).tally, NOW, 7)).toMatchObject({ day: { checks: 1, up: 1, percent: 100 } });
  });

  it('figures for the listed rows: a missing row is "no checks", a bad HISTORY_DAYS is one problem for the page', () => {
    const ok = latestRow(result('m', 'ok', hoursAgo(1)), runContext('r'));
    const map = uptimeOfRows(['m', 'never'], [ok], {}, NOW) as Map<string, Uptime>;
    expect(map.get('m')!.day.checks).toBe(1);
    expect(map.get('never')!.day).toMatchObject({ checks: 0, percent: null });
    expect(uptimeOfRows(['m'], [ok], { HISTORY_DAYS: '0' }, NOW)).toEqual(new Error('the kept history\'s length is not valid: HISTORY_DAYS: "0" must be a whole number from 1 to 366'));
  });
});
