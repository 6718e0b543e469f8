/**
 * The Exchange Online incidents the stored failures carry (issue 20), for one line at the top of
 * the status page: the people who run the importing application see "Microsoft has an incident"
 * before they read thirty remedies. Read from the stored results' SERVICE_INCIDENT_ACTIVE
 * warnings; only rows whose warning codes name it are parsed, so a quiet fleet costs nothing.
 */
import { storedResult, type LatestRow } from '../state/mailbox-state';

export interface PageIncident {
  incidentId: string;
  /** The warning's message: "Exchange Online incident EX… (status, since …): title" (clipped where it entered). */
  message: string;
  /** The admin center's page of the incident; absent for clouds without a known link. */
  url?: string;
  /** Failing mailboxes here whose failure looks like it. */
  mailboxes: number;
}

export function pageIncidents(rows: LatestRow[]): PageIncident[] {
  const found = new Map<string, PageIncident>();
  for (const row of rows) {
    if (row.status !== 'failed' || !row.warningCodes.split(',').includes('SERVICE_INCIDENT_ACTIVE')) continue;
    const warning = storedResult(row)?.warnings.find((w) => w.code === 'SERVICE_INCIDENT_ACTIVE');
    const id = typeof warning?.incidentId === 'string' ? warning.incidentId : undefined;
    if (!warning || !id) continue;
    const known = found.get(id);
    if (known) {
      known.mailboxes++;
      continue;
    }
    // Only an https link is made a link: the page's CSP does not guard href.
    const url = typeof warning.url === 'string' && warning.url.startsWith('https://') ? warning.url : undefined;
    found.set(id, { incidentId: id, message: warning.message, ...(url ? { url } : {}), mailboxes: 1 });
  }
  return [...found.values()].sort((a, b) => b.mailboxes - a.mailboxes || a.incidentId.localeCompare(b.incidentId));
}
