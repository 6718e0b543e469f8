/**
 * The CLI table (issue 16): readable at 80-120 columns whatever the number of warnings (item 13),
 * and inert whatever a server or a config value put into a text (item 4) — while the JSON report
 * keeps every text exact.
 */
import { renderJson } from '../../shared/report/json';
import { renderTable } from '../../shared/report/table';
import { hasUnsafeCharacters } from '../../shared/diagnosis/outside-text';
import { reportOf, resultWith } from './report-fixture';

const FOUR = ['SECRET_EXPIRING', 'EXCESS_PERMISSIONS', 'CREDENTIAL_EXPIRING', 'CREDENTIAL_ROTATION_INCOMPLETE'] as const;
const tableRows = (table: string) => table.split('\n\n')[0]!.split('\n');

describe('#16.13 the CODE column', () => {
  const degraded = resultWith({ status: 'degraded', warnings: FOUR.map((code) => ({ code, message: `${code.toLowerCase()} happened`, remedy: 'do this' })) });
  const failed = resultWith({ mailbox: 'helpdesk', address: 'helpdesk@contoso.com', status: 'failed', failure: { code: 'SECRET_NOT_FOUND', phase: 'secret', kind: 'config', message: 'no such secret', remedy: 'create it' } });

  test('#16.13 four warnings: the first code and "+3"; every row fits 100 columns; the details still list all four', () => {
    const table = renderTable(reportOf([resultWith(), degraded, failed]));
    const rows = tableRows(table);
    expect(rows[2]).toMatch(/DEGRADED\s+SECRET_EXPIRING \+3\s+71 ms$/);
    expect(Math.max(...rows.map((r) => r.length))).toBeLessThanOrEqual(100);
    for (const code of FOUR) expect(table).toContain(`  ${code}: ${code.toLowerCase()} happened`);
  });

  test('#16.13 (twin) one warning or a failure shows its code whole, with no count', () => {
    const rows = tableRows(renderTable(reportOf([resultWith({ status: 'degraded', warnings: [{ code: 'MAILBOX_BACKLOG', message: 'm' }] }), failed])));
    expect(rows[1]).toMatch(/DEGRADED\s+MAILBOX_BACKLOG\s+71 ms$/);
    expect(rows[2]).toMatch(/FAILED\s+SECRET_NOT_FOUND\s+secret\s+71 ms$/);
    expect(rows.join('\n')).not.toContain('+');
  });
});

describe('#16.4 terminal control sequences never reach the terminal', () => {
  const CLEAR = '\u001b[2J\u001b[H';
  const TITLE = '\u001b]0;pwned\u0007';
  const LINK = '\u001b]8;;https://evil.example/\u001b\\Sign in again\u001b]8;;\u001b\\';
  const BIDI = 'invoice\u202Egpj.exe';
  const C1 = '\u009b2J';
  const hostile = `${CLEAR}${TITLE}${LINK} ${BIDI} ${C1}`;
  const report = reportOf(
    [resultWith({ mailbox: `crm${CLEAR}`, status: 'failed', failure: { code: 'IMAP_AUTH_FAILED', phase: 'auth', kind: 'permission', message: `XOAUTH2 login refused (NO ${hostile})`, remedy: `Grant access ${BIDI}` }, warnings: [{ code: 'MAILBOX_BACKLOG', message: hostile, remedy: TITLE }] })],
    [{ code: 'NOTIFY_CHANNEL_FAILED', message: `slack channel s: hooks.example answered 500: ${hostile}` }],
  );

  test('#16.4 escape sequences, C1 controls and bidi overrides in any text are written out in the table, with and without colour', () => {
    for (const colour of [false, true]) {
      const table = renderTable(report, colour);
      // Only the table's own colour sequences remain.
      expect(table.replace(/\u001b\[(\d+)m/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(hasUnsafeCharacters(table.replace(/\u001b\[(\d+)m/g, ''))).toBe(false);
      expect(table).toContain('\\x1b[2J\\x1b[H');
      expect(table).toContain('invoice\\u202egpj.exe');
      expect(table).toContain('\\x9b2J');
    }
  });

  test('#16.4 (twin) the JSON report keeps every text exact', () => {
    const parsed = JSON.parse(renderJson(report)) as typeof report;
    expect(parsed.results[0]!.failure!.message).toBe(`XOAUTH2 login refused (NO ${hostile})`);
    expect(parsed.results[0]!.mailbox).toBe(`crm${CLEAR}`);
    // Without the rule the table would carry them raw: the test can fail.
    expect(hasUnsafeCharacters(JSON.stringify(report))).toBe(true);
  });
});

describe('maintenance windows in the table (issue 20)', () => {
  const failed = { status: 'failed' as const, failure: { code: 'IMAP_AUTH_FAILED' as const, phase: 'auth' as const, kind: 'permission' as const, message: 'refused', remedy: 'grant it' } };

  test('a check in a window is marked in its status cell and its details say until when and why', () => {
    const table = renderTable(reportOf([resultWith({ ...failed, maintenance: { reason: 'moving to the new grant', endsAt: '2026-12-05T18:00:00.000Z' } })]));
    expect(tableRows(table)[1]).toMatch(/FAILED \(maint\)\s+IMAP_AUTH_FAILED\s+auth/);
    expect(table).toContain('  in maintenance until 2026-12-05T18:00:00.000Z: moving to the new grant (nobody is notified; alerts and uptime leave this check out)');
  });

  test('(twin) the same failure outside a window has no mark, and an ok check outside one no details', () => {
    const table = renderTable(reportOf([resultWith(failed), resultWith({ mailbox: 'quiet' })]));
    expect(table).not.toContain('maint');
    expect(table.split('\n\n')[1]).not.toContain('quiet');
  });
});
