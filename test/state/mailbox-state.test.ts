/** The state row model, without Storage: keys, the hourly strip, "since", not-checked rows. */
import {
  addToStrip,
  decodeKey,
  encodeKey,
  historyCutoffKey,
  historyRow,
  historyRowKey,
  hourOf,
  latestRow,
  notCheckedRow,
  secretDaysLeft,
  storedResult,
  stripAt,
  toLatestRow,
} from '../../shared/state/mailbox-state';
import { result, runContext } from './results';

const T0 = '2026-11-30T10:05:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

describe('keys', () => {
  it('encodes characters Table Storage forbids in keys, and decodes them back', () => {
    const hostile = `a/b\\c#d?e<script>'"%`;
    const key = encodeKey(hostile);
    expect(key).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
    expect(decodeKey(key)).toBe(hostile);
    expect(encodeKey('invoices.eu-1_x')).toBe('invoices.eu-1_x');
  });

  it('a key this code did not write (a lone %) decodes to itself instead of throwing', () => {
    expect(() => decodeURIComponent('hook%zz')).toThrow(URIError); // the twin: what decodeKey guards
    expect(decodeKey('hook%zz')).toBe('hook%zz');
    expect(decodeKey('100%')).toBe('100%');
  });

  it('orders history newest first, and the cutoff key separates older rows from newer', () => {
    const older = historyRowKey(at(0), 'run-a');
    const newer = historyRowKey(at(5), 'run-b');
    expect(newer < older).toBe(true);
    const cutoff = historyCutoffKey(new Date(at(3)));
    expect(older > cutoff).toBe(true); // older than the cutoff: purged by `RowKey gt cutoff`
    expect(newer > cutoff).toBe(false);
  });
});

describe('the 24-hour strip', () => {
  it('starts with the first status in the last cell, the other hours empty', () => {
    const first = addToStrip(undefined, 'ok', T0);
    expect(first).toEqual({ strip: `${'.'.repeat(23)}o`, stripHour: hourOf(T0) });
  });

  it('keeps the worst status of each hour: failed beats degraded beats ok beats not checked', () => {
    let strip = addToStrip(undefined, 'ok', at(0));
    strip = addToStrip(strip, 'failed', at(10));
    strip = addToStrip(strip, 'ok', at(20));
    expect(strip.strip.slice(-1)).toBe('f');
    strip = addToStrip(strip, 'not-checked', at(60));
    strip = addToStrip(strip, 'degraded', at(70));
    expect(strip.strip.slice(-2)).toBe('fd');
    strip = addToStrip(strip, 'not-checked', at(120));
    expect(strip.strip.slice(-3)).toBe('fdn');
  });

  it('shifts by the hours that passed, empty cells for hours without checks, and forgets past 24 hours', () => {
    const first = addToStrip(undefined, 'failed', at(0));
    const later = addToStrip(first, 'ok', at(3 * 60));
    expect(later.strip.slice(-4)).toBe('f..o');
    expect(later.strip).toHaveLength(24);
    expect(addToStrip(later, 'ok', at(30 * 60)).strip).toBe(`${'.'.repeat(23)}o`);
  });

  it('puts a late, older result into its own hour without moving the strip back', () => {
    const now = addToStrip(undefined, 'ok', at(120));
    const late = addToStrip(now, 'failed', at(0));
    expect(late.stripHour).toBe(hourOf(at(120)));
    expect(late.strip.slice(-3)).toBe('f.o');
  });

  it('is shown as of the viewing hour: a mailbox not checked for 3 hours ends in 3 empty cells', () => {
    const strip = addToStrip(undefined, 'ok', at(0));
    expect(stripAt(strip.strip, strip.stripHour, hourOf(at(3 * 60))).slice(-4)).toBe('o...');
    expect(stripAt(strip.strip, strip.stripHour, hourOf(at(48 * 60)))).toBe('.'.repeat(24));
  });
});

describe('latest row', () => {
  it('flattens a failed result: status, code, phase, kind, message, remedy, and keeps the whole result', () => {
    const failed = result('legal', 'failed', T0);
    const row = latestRow(failed, runContext('run-1'));
    expect(row).toMatchObject({
      partitionKey: 'mailbox',
      rowKey: 'legal',
      mailbox: 'legal',
      address: 'legal@contoso.example',
      status: 'failed',
      code: 'IMAP_AUTH_FAILED',
      phase: 'auth',
      kind: 'permission',
      remedy: 'Add-MailboxPermission -Identity x',
      checkedAt: T0,
      durationMs: 42,
      runId: 'run-1',
      trigger: 'timer',
      since: T0,
      previousStatus: '',
    });
    expect(storedResult(row)).toEqual(failed);
  });

  it('keeps "since" while status and code stay, and moves it with the previous status when they change', () => {
    const first = latestRow(result('m', 'failed', at(0)), runContext('r1'));
    const second = latestRow(result('m', 'failed', at(5)), runContext('r2'), first);
    expect(second.since).toBe(at(0));
    const recovered = latestRow(result('m', 'ok', at(10)), runContext('r3'), second);
    expect(recovered).toMatchObject({ since: at(10), previousStatus: 'failed', previousCode: 'IMAP_AUTH_FAILED', code: '' });
    const stillOk = latestRow(result('m', 'ok', at(15)), runContext('r4'), recovered);
    expect(stillOk).toMatchObject({ since: at(10), previousStatus: 'failed', previousCode: 'IMAP_AUTH_FAILED' });
  });

  it('a changed failure code starts a new "since" even though the status is the same', () => {
    const first = latestRow(result('m', 'failed', at(0)), runContext('r1'));
    const other = result('m', 'failed', at(5));
    other.failure = { ...other.failure!, code: 'TOKEN_SECRET_EXPIRED', phase: 'token', kind: 'credential' };
    expect(latestRow(other, runContext('r2'), first)).toMatchObject({ since: at(5), previousStatus: 'failed', previousCode: 'IMAP_AUTH_FAILED' });
  });

  it('takes the secret expiry from the warnings; days left are counted from now, none when unknown', () => {
    const row = latestRow(result('m', 'degraded', T0), runContext('r1'));
    expect(row.secretExpiresOn).toBe('2026-12-10T00:00:00.000Z');
    expect(row.warningCodes).toBe('SECRET_EXPIRING');
    expect(secretDaysLeft(row, Date.parse(T0))).toBe(9);
    expect(secretDaysLeft(latestRow(result('m', 'ok', T0), runContext('r1')))).toBeUndefined();
  });

  it("takes the secret expiry from the result's secret facts when it has them, also for a healthy mailbox without a warning", () => {
    const ok = result('m', 'ok', T0, { secret: { source: 'keyVault', name: 'app-imap-secret', expiresOn: '2027-06-01T00:00:00.000Z', daysLeft: 182 } });
    const row = latestRow(ok, runContext('r1'));
    expect(row.secretExpiresOn).toBe('2027-06-01T00:00:00.000Z');
    expect(secretDaysLeft(row, Date.parse(T0))).toBe(182);
    // Its twin: an environment secret has no expiry, so no countdown.
    const env = latestRow(result('m', 'ok', T0, { secret: { source: 'env', name: 'APP_SECRET', expiresOn: null, daysLeft: null } }), runContext('r1'));
    expect(secretDaysLeft(env, Date.parse(T0))).toBeUndefined();
  });

  it('clips a huge server message so the row stays within Table Storage limits', () => {
    const huge = result('m', 'failed', T0);
    huge.failure!.message = 'x'.repeat(100_000);
    expect(latestRow(huge, runContext('r')).message.length).toBeLessThanOrEqual(8000);
    expect(historyRow(huge, runContext('r')).message.length).toBeLessThanOrEqual(1000);
  });

  it('reads an entity back, defaulting what an older row lacks', () => {
    const row = latestRow(result('m', 'ok', T0), runContext('r'));
    expect(toLatestRow({ ...row, etag: 'W/"x"', timestamp: T0 })).toEqual(row);
    expect(toLatestRow({ partitionKey: 'mailbox', rowKey: 'a%2Fb' })).toMatchObject({ mailbox: 'a/b', status: 'not-checked', strip: '', result: '' });
  });
});

describe('not-checked row (dead batch)', () => {
  it('keeps the last real result and marks the mailbox not checked since the first dead batch', () => {
    const last = latestRow(result('m', 'ok', at(0)), runContext('r1'));
    const dead = notCheckedRow({ id: 'm', address: 'm@x', app: 'a' }, 'batch dead-lettered after 5 attempts', at(65), runContext('r2'), last);
    expect(dead).toMatchObject({ status: 'not-checked', checkedAt: at(0), since: at(65), previousStatus: 'ok', notCheckedReason: 'batch dead-lettered after 5 attempts', notCheckedAt: at(65), runId: 'r2' });
    expect(storedResult(dead)).toEqual(storedResult(last));
    expect(dead.strip.slice(-2)).toBe('on');
    const again = notCheckedRow({ id: 'm', address: 'm@x', app: 'a' }, 'again', at(70), runContext('r3'), dead);
    expect(again).toMatchObject({ since: at(65), previousStatus: 'ok' });
    // The next real check clears the mark and reports the change from not-checked.
    const back = latestRow(result('m', 'ok', at(80)), runContext('r4'), again);
    expect(back).toMatchObject({ status: 'ok', notCheckedReason: '', notCheckedAt: '', since: at(80), previousStatus: 'not-checked' });
  });

  it('for a mailbox never checked: no result, empty checkedAt', () => {
    const dead = notCheckedRow({ id: 'new', address: 'new@x', app: 'a' }, 'dead', T0, runContext('r'));
    expect(dead).toMatchObject({ status: 'not-checked', checkedAt: '', result: '', address: 'new@x', app: 'a' });
    expect(storedResult(dead)).toBeUndefined();
  });
});
