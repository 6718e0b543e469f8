/** The incident state machine, transition by transition (pure: the clock is passed in). */
import type { CheckResult, Warning } from '../../shared/contract/result';
import { credentialObservation, decide, expiryStage, observe, type IncidentState, type Observation } from '../../shared/notify/incidents';

const T0 = new Date('2026-11-30T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const options = (now: Date) => ({ now, repeatMs: 24 * 3_600_000, thresholds: [30, 14, 7, 3, 1] });

function result(status: CheckResult['status'], code?: string, warnings: string[] = []): CheckResult {
  return {
    mailbox: 'invoices', address: 'invoices@contoso.com', app: 'importer', status,
    ...(code ? { failure: { code: code as never, phase: 'auth', kind: 'permission', message: 'm', remedy: 'r' } } : {}),
    warnings: warnings.map((c) => ({ code: c as never, message: c })),
    phases: { secret: 1, token: 1, connect: 1, auth: 1, folder: 1, logout: 1 }, folder: null, token: null, checkedAt: T0.toISOString(), durationMs: 1,
  };
}
const mailbox = (r: CheckResult): Observation => ({ kind: 'mailbox', incident: 'mailbox:invoices', result: r });

/** Runs the observations in order, one hour apart unless given; returns what each sent. */
function sequence(steps: { obs: Observation; hour: number }[]): (string | undefined)[] {
  let state: IncidentState | undefined;
  return steps.map(({ obs, hour }) => {
    const d = decide(state, obs, options(at(hour)));
    if (d.changed) state = d.next;
    return d.send;
  });
}

describe('mailbox incidents', () => {
  test('ok (nothing) → failed (failing) → same (nothing) → other code (changed) → 23 h later (nothing) → 25 h later (reminder) → ok (recovered) → ok (nothing)', () => {
    expect(
      sequence([
        { obs: mailbox(result('ok')), hour: 0 },
        { obs: mailbox(result('failed', 'IMAP_AUTH_FAILED')), hour: 1 },
        { obs: mailbox(result('failed', 'IMAP_AUTH_FAILED')), hour: 2 },
        { obs: mailbox(result('failed', 'IMAP_NOT_CONNECTED')), hour: 3 },
        { obs: mailbox(result('failed', 'IMAP_NOT_CONNECTED')), hour: 26 },
        { obs: mailbox(result('failed', 'IMAP_NOT_CONNECTED')), hour: 28 },
        { obs: mailbox(result('failed', 'IMAP_NOT_CONNECTED')), hour: 29 },
        { obs: mailbox(result('ok')), hour: 30 },
        { obs: mailbox(result('ok')), hour: 31 },
      ]),
    ).toEqual([undefined, 'failing', undefined, 'changed', undefined, 'reminder', undefined, 'recovered', undefined]);
  });

  test('a first run that fails notifies; a first run that is ok writes the row and sends nothing', () => {
    expect(decide(undefined, mailbox(result('failed', 'TOKEN_SECRET_EXPIRED')), options(T0))).toMatchObject({ send: 'failing', changed: true, next: { state: 'open', code: 'TOKEN_SECRET_EXPIRED', openedAt: T0.toISOString() } });
    expect(decide(undefined, mailbox(result('ok')), options(T0))).toMatchObject({ send: undefined, changed: true, next: { state: 'closed' } });
  });

  test('a new warning kind notifies once; its going away is stored silently; credential warnings are not the mailbox\'s', () => {
    expect(
      sequence([
        { obs: mailbox(result('ok')), hour: 0 },
        { obs: mailbox(result('degraded', undefined, ['MAILBOX_BACKLOG'])), hour: 1 },
        { obs: mailbox(result('degraded', undefined, ['MAILBOX_BACKLOG'])), hour: 2 },
        { obs: mailbox(result('degraded', undefined, ['MAILBOX_BACKLOG', 'SECRET_EXPIRING', 'CREDENTIAL_EXPIRING'])), hour: 3 },
        { obs: mailbox(result('ok')), hour: 4 },
        { obs: mailbox(result('degraded', undefined, ['EXCESS_PERMISSIONS'])), hour: 5 },
      ]),
    ).toEqual([undefined, 'warning', undefined, undefined, undefined, 'warning']);
  });

  test('a degraded recovery closes the incident (it works again)', () => {
    expect(sequence([{ obs: mailbox(result('failed', 'IMAP_TIMEOUT')), hour: 0 }, { obs: mailbox(result('degraded', undefined, ['SLOW_CHECK'])), hour: 1 }])).toEqual(['failing', 'recovered']);
  });
});

describe('credential incidents', () => {
  const cred = (daysLeft: number | null): Observation => ({ kind: 'credential', incident: 'credential:importer', app: 'importer', daysLeft });

  test('stages: outside the window nothing; 30, 14, 7, 3, 1 each once; expired once more; rotated → resolved', () => {
    const days = [45, 29, 20, 14, 13, 7, 3, 2, 1, -1, -2, 200];
    expect(sequence(days.map((d, i) => ({ obs: cred(d), hour: i })))).toEqual([
      undefined, 'credential-expiring', undefined, 'credential-expiring', undefined, 'credential-expiring', 'credential-expiring', undefined, 'credential-expiring', 'credential-expiring', undefined, 'credential-resolved',
    ]);
  });

  test('a still-open credential is re-notified after the interval', () => {
    expect(sequence([{ obs: cred(10), hour: 0 }, { obs: cred(10), hour: 12 }, { obs: cred(9), hour: 25 }])).toEqual(['credential-expiring', undefined, 'reminder']);
  });

  test('expiryStage picks the smallest threshold the days fall within', () => {
    expect([45, 30, 29, 14, 8, 7, 0, -1].map((d) => expiryStage(d, [30, 14, 7, 3, 1]))).toEqual([undefined, 30, 30, 14, 14, 7, 1, 0]);
  });

  test('Entra\'s date wins over the vault\'s; no expiry warning means outside the window', () => {
    const now = T0.getTime();
    const w = (code: string, field: string, days: number): Warning => ({ code: code as never, message: '', [field]: new Date(now + days * 86_400_000 + 3_600_000).toISOString() });
    expect(credentialObservation('a', [w('SECRET_EXPIRING', 'expiresOn', 25), w('CREDENTIAL_EXPIRING', 'endDateTime', 10)], now)).toMatchObject({ daysLeft: 10 });
    expect(credentialObservation('a', [w('SECRET_EXPIRING', 'expiresOn', 25)], now)).toMatchObject({ daysLeft: 25 });
    expect(credentialObservation('a', [], now)).toMatchObject({ daysLeft: null });
  });

  test('an app whose every mailbox failed says nothing about its credential (no false "resolved")', () => {
    const failed = result('failed', 'IMAP_AUTH_FAILED');
    expect(observe([failed]).map((o) => o.incident)).toEqual(['mailbox:invoices']);
    expect(observe([result('ok')]).map((o) => o.incident)).toEqual(['mailbox:invoices', 'credential:importer']);
  });
});

describe('mailbox incidents and maintenance windows (issue 20)', () => {
  const inWindow = (r: CheckResult): Observation => mailbox({ ...r, maintenance: { reason: 'migration', endsAt: at(5).toISOString() } });

  test('began failing in the window: nothing during it, "failing" once on the first run after, then nothing', () => {
    expect(
      sequence([
        { obs: mailbox(result('ok')), hour: 0 },
        { obs: inWindow(result('failed', 'IMAP_AUTH_FAILED')), hour: 1 },
        { obs: inWindow(result('failed', 'IMAP_NOT_CONNECTED', ['MAILBOX_BACKLOG'])), hour: 2 },
        { obs: mailbox(result('failed', 'IMAP_AUTH_FAILED')), hour: 6 },
        { obs: mailbox(result('failed', 'IMAP_AUTH_FAILED')), hour: 7 },
      ]),
    ).toEqual([undefined, undefined, undefined, 'failing', undefined]);
  });

  test('failing and notified before the window: not announced again after it with the same code; a new code is "changed", a recovery "recovered"', () => {
    const before = [
      { obs: mailbox(result('failed', 'IMAP_AUTH_FAILED')), hour: 0 },
      { obs: inWindow(result('ok')), hour: 1 },
    ];
    expect(sequence([...before, { obs: mailbox(result('failed', 'IMAP_AUTH_FAILED')), hour: 6 }])).toEqual(['failing', undefined, undefined]);
    expect(sequence([...before, { obs: mailbox(result('failed', 'IMAP_NOT_CONNECTED')), hour: 6 }])).toEqual(['failing', undefined, 'changed']);
    expect(sequence([...before, { obs: mailbox(result('ok')), hour: 6 }])).toEqual(['failing', undefined, 'recovered']);
  });

  test('in a window nothing is written, not even a first row; the twin outside it writes and sends', () => {
    const quiet = decide(undefined, inWindow(result('failed', 'IMAP_AUTH_FAILED')), options(at(1)));
    expect([quiet.changed, quiet.send]).toEqual([false, undefined]);
    expect(decide(undefined, mailbox(result('failed', 'IMAP_AUTH_FAILED')), options(at(1)))).toMatchObject({ changed: true, send: 'failing' });
  });
});
