/**
 * The uptime's windows and spans (shared/state/uptime.ts) over history rows shaped as the store
 * writes them (historyRow, notCheckedHistoryRow), at fixed times: which rows each window counts,
 * what is left out, and how a history shorter than its window is said.
 */
import { historyRow, notCheckedHistoryRow } from '../../shared/state/mailbox-state';
import { describeFigure, uptime } from '../../shared/state/uptime';
import { result, runContext } from './results';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000).toISOString();

describe('uptime windows', () => {
  // 10 days of history: failed 200 h ago and 100 h ago, ok otherwise; degraded 2 h ago; a run that
  // never reached the mailbox (the run's deadline) 3 h ago; a dead batch 5 h ago; a failure in
  // maintenance 6 h ago.
  const rows = [
    ...[230, 200, 150, 100, 30, 20, 10, 1].map((h) => historyRow(result('m', h === 200 || h === 100 ? 'failed' : 'ok', hoursAgo(h)), runContext(`r${h}`))),
    historyRow(result('m', 'degraded', hoursAgo(2)), runContext('r2')),
    historyRow(result('m', 'failed', hoursAgo(3), { failure: { code: 'CHECK_TIMEOUT', phase: 'run', kind: 'timeout', message: "not checked: the run's deadline (timeouts.runMs) was reached before its turn", remedy: 'r' } }), runContext('r3')),
    notCheckedHistoryRow('m', 'dead batch', hoursAgo(5), runContext('r5')),
    historyRow(result('m', 'failed', hoursAgo(6), { maintenance: { reason: 'migration', endsAt: hoursAgo(4) } }), runContext('r6')),
  ];

  it('24 h: the ok and degraded checks count, the never-reached run, the dead batch and the maintenance check do not', () => {
    expect(uptime(rows, NOW, 30).day).toEqual({ windowHours: 24, from: hoursAgo(20), coveredHours: 20, complete: false, checks: 4, up: 4, notChecked: 2, maintenance: 1, percent: 100 });
  });

  it('7 days: the failure 100 h ago counts; 7 of 8 checks up', () => {
    expect(uptime(rows, NOW, 30).week).toMatchObject({ windowHours: 168, from: hoursAgo(150), checks: 7, up: 6, percent: 85.71, complete: false });
  });

  it('the kept history (30 days): every row, though it reaches back only 230 h', () => {
    const kept = uptime(rows, NOW, 30).kept;
    expect(kept).toMatchObject({ windowHours: 720, from: hoursAgo(230), coveredHours: 230, checks: 9, up: 7, percent: 77.78, complete: false });
    expect(describeFigure(kept)).toBe('77.78% over 9.6 d');
  });

  it('a history reaching back to the window\'s start is complete, and said without a span', () => {
    const full = [historyRow(result('m', 'ok', hoursAgo(23.5)), runContext('a')), historyRow(result('m', 'failed', hoursAgo(1)), runContext('b'))];
    const day = uptime(full, NOW, 7).day;
    expect(day).toMatchObject({ complete: true, checks: 2, up: 1, percent: 50 });
    expect(describeFigure(day)).toBe('50%');
    expect(describeFigure({ ...day, complete: false, coveredHours: 0.05 })).toBe('50% over 3 min');
    expect(describeFigure({ ...day, complete: false, coveredHours: 5.26 })).toBe('50% over 5.3 h');
  });

  it('no counted check is "no checks" (null), not 0% or 100%; rows in the future count nowhere', () => {
    const only = [notCheckedHistoryRow('m', 'dead', hoursAgo(1), runContext('x')), historyRow(result('m', 'failed', new Date(NOW.getTime() + 3600_000).toISOString()), runContext('y'))];
    const day = uptime(only, NOW, 7).day;
    expect(day).toMatchObject({ checks: 0, notChecked: 1, percent: null });
    expect(describeFigure(day)).toBe('no checks');
  });

  it('rows written before maintenance existed (no maintenance column) count as checks', () => {
    const { maintenance: _m, ...old } = historyRow(result('m', 'failed', hoursAgo(1)), runContext('old'));
    expect(uptime([old], NOW, 7).day).toMatchObject({ checks: 1, up: 0, percent: 0 });
  });
});
