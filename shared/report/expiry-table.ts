/** The expiry sweep for people: one line per app credential, then each warning and its remedy. */
import { inertStrings } from '../diagnosis/outside-text';
import { codeCell } from './table';
import type { ExpiryReport } from '../run/expiry-sweep';

export function renderExpiryTable(outside: ExpiryReport): string {
  // Graph's names and errors come from outside: the terminal gets them inert (outside-text.ts).
  const report = inertStrings(outside);
  const rows = report.credentials.map((c) => [
    c.app,
    c.status.toUpperCase(),
    c.vaultExpiresOn?.slice(0, 10) ?? (c.failure ? '?' : 'never'),
    c.entra ? `${c.entra.endDateTime.slice(0, 10)} (${c.entra.daysLeft} d)` : '-',
    c.failure?.code ?? codeCell(c.warnings.map((w) => w.code)),
  ]);
  const header = ['APP', 'STATUS', 'VAULT EXPIRES', 'ENTRA EXPIRES', 'CODE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  for (const c of report.credentials.filter((x) => x.status !== 'ok')) {
    out.push('', `${c.app} (client id ${c.clientId}, ${c.secret}; opens ${c.mailboxes.join(', ')})`);
    if (c.failure) out.push(`  ${c.failure.code}: ${c.failure.message}`, `  fix: ${c.failure.remedy}`);
    for (const w of c.warnings) out.push(`  ${w.code}: ${w.message}`, ...(w.remedy ? [`  fix: ${w.remedy}`] : []));
  }
  for (const w of report.warnings ?? []) out.push('', `monitor: ${w.code}: ${w.message}`, ...(w.remedy ? [`  fix: ${w.remedy}`] : []));
  const { counts } = report;
  out.push('', `${counts.total} credential(s): ${counts.ok} ok, ${counts.degraded} expiring or inconsistent, ${counts.failed} unreadable in ${report.durationMs} ms`);
  return out.join('\n') + '\n';
}
