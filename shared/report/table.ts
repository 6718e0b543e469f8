/**
 * The report for people: one line per mailbox, then what broke and the remedy to paste.
 * Colour only when asked (the CLI asks on a TTY without NO_COLOR).
 */
import type { CheckResult, RunReport, Status } from '../contract/result';
import { inertStrings } from '../diagnosis/outside-text';
import { describeIncident, type IncidentFacts } from '../diagnosis/incident-text';

const COLOURS: Record<Status | 'dim' | 'bold', [number, number]> = {
  ok: [32, 39],
  degraded: [33, 39],
  failed: [31, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/**
 * The CODE column: the first code and how many more ("SECRET_EXPIRING +3"). Listing them all made
 * every row as wide as the longest list (~190 columns for four warnings); the details below the
 * table name each warning with its remedy.
 */
export function codeCell(codes: string[]): string {
  return codes.length <= 1 ? (codes[0] ?? '') : `${codes[0]} +${codes.length - 1}`;
}

export function renderTable(outside: RunReport, colour = false): string {
  // Every text in a report may come from outside (server replies, Graph names, config values): the
  // terminal gets them inert (escape sequences written out), its own colours added after.
  const report = inertStrings(outside);
  const paint = (style: keyof typeof COLOURS, text: string) => (colour ? `\u001b[${COLOURS[style][0]}m${text}\u001b[${COLOURS[style][1]}m` : text);
  // A check in a maintenance window is marked where its status is read (issue 20).
  const rows = report.results.map((r) => [r.mailbox, r.address, `${r.status.toUpperCase()}${r.maintenance ? ' (maint)' : ''}`, r.failure?.code ?? codeCell(r.warnings.map((w) => w.code)), r.failure?.phase ?? '', `${r.durationMs} ms`]);
  const header = ['MAILBOX', 'ADDRESS', 'STATUS', 'CODE', 'PHASE', 'TIME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const out: string[] = [paint('bold', line(header))];
  report.results.forEach((result, index) => {
    const text = line(rows[index]!);
    out.push(result.status === 'ok' ? text : paint(result.status, text));
  });
  const details = report.results.filter((r) => r.status !== 'ok' || r.maintenance).map((r) => detail(r, paint));
  if (details.length > 0) out.push('', ...details);
  // Issue 20: an active Exchange Online incident is one line for the run, however many failures carry it.
  const marked = report.results.filter((r) => r.warnings.some((w) => w.code === 'SERVICE_INCIDENT_ACTIVE'));
  if (marked.length > 0) {
    const facts = marked[0]!.warnings.find((w) => w.code === 'SERVICE_INCIDENT_ACTIVE') as unknown as IncidentFacts;
    const names = marked.slice(0, 10).map((r) => r.mailbox).join(', ') + (marked.length > 10 ? ` …and ${marked.length - 10} more` : '');
    out.push('', `${paint('bold', describeIncident(facts))} — ${facts.url ?? 'see Service health in your Microsoft 365 admin center'}; ${marked.length} failure(s) here look like it: ${names}`);
  }
  // The monitor's own warnings (a missing Graph permission, a failing notification channel).
  for (const w of report.warnings ?? []) out.push('', `${paint('degraded', 'monitor')}: ${paint('bold', w.code)}: ${w.message}`, ...(w.remedy ? [`  fix: ${w.remedy}`] : []));
  const { counts } = report;
  out.push('', `${counts.total} mailbox(es): ${counts.ok} ok, ${counts.degraded} degraded, ${counts.failed} failed in ${report.durationMs} ms`);
  if (report.partial) {
    const { notChecked } = report.partial;
    const list = notChecked.slice(0, 10).join(', ') + (notChecked.length > 10 ? ` …and ${notChecked.length - 10} more` : '');
    out.push(paint('bold', `PARTIAL REPORT: ${report.partial.message}${notChecked.length ? `; not checked: ${list}` : ''}`));
  }
  if (report.demo) out.push(paint('dim', 'DEMO: this is the simulated tenant, not yours. To check your own mailboxes: mailbox-health check --config mailboxes.json'));
  return out.join('\n') + '\n';
}

function detail(result: CheckResult, paint: (style: keyof typeof COLOURS, text: string) => string): string {
  const lines = [paint(result.status, `${result.mailbox} <${result.address}> (app ${result.app})`)];
  if (result.maintenance) lines.push(`  in maintenance until ${result.maintenance.endsAt}: ${result.maintenance.reason} (nobody is notified; alerts and uptime leave this check out)`);
  if (result.failure) {
    const f = result.failure;
    lines.push(`  ${paint('bold', f.code)} in ${f.phase} (${f.kind}): ${f.message}`);
    lines.push(`  fix: ${f.remedy}`);
  }
  for (const w of result.warnings) {
    // The incident has its one line below the details (and its advice in the remedy above).
    if (w.code === 'SERVICE_INCIDENT_ACTIVE') continue;
    lines.push(`  ${paint('bold', w.code)}: ${w.message}`);
    if (w.remedy) lines.push(`  fix: ${w.remedy}`);
  }
  if (result.token?.objectId) lines.push(paint('dim', `  token: oid ${result.token.objectId}, roles ${result.token.roles.join(', ') || 'none'}, aud ${result.token.audience ?? '?'}`));
  return lines.join('\n');
}
