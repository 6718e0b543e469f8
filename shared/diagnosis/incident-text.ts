/**
 * An Exchange Online incident as the monitor shows it (issue 20): its facts on a
 * SERVICE_INCIDENT_ACTIVE warning, and the one line the table, messages and notifications use.
 * Kept free of imports: the CLI table loads it on every command, `validate` included, and a
 * config error must stay cheap (test/e2e/bad-config.test.ts measures its CPU).
 */
export interface IncidentFacts {
  incidentId: string;
  title: string;
  status: string;
  classification: string | null;
  /** ISO 8601. */
  startedAt: string;
  /** The Microsoft 365 admin center's page of the incident; null where no link form is known. */
  url: string | null;
  service: string;
  feature?: string;
  /** Further unresolved Exchange Online issues besides this one. */
  otherIncidents: number;
}

const day = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** One line about the incident, for a message, the table and a notification. */
export function describeIncident(facts: IncidentFacts): string {
  const more = facts.otherIncidents > 0 ? ` (and ${facts.otherIncidents} more unresolved Exchange Online issue(s))` : '';
  return `Exchange Online ${facts.classification?.toLowerCase() === 'advisory' ? 'advisory' : 'incident'} ${facts.incidentId} (${facts.status}, since ${day(new Date(facts.startedAt))}): ${facts.title}${more}`;
}
