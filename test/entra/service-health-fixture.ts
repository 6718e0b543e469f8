/**
 * Issue 20's tenant: the Entra fixture's three mailboxes with one Exchange-side failure each way —
 * `invoices` throttled by Exchange (IMAP_THROTTLED, what an outage causes) and `archive` refused at
 * login (IMAP_AUTH_FAILED, a configuration fault) — and the monitor allowed to read service health.
 */
import type { Scenario, SimServiceIssue } from '../../sim/scenario';
import { entraScenario } from './entra-fixture';

const HOUR = 60 * 60 * 1000;

export const ACTIVE: SimServiceIssue = {
  id: 'EX812345',
  title: 'Users may be unable to access their mailboxes with IMAP',
  service: 'Exchange Online',
  status: 'ServiceDegradation',
  classification: 'Incident',
  isResolved: false,
  startDateTime: new Date(Date.now() - 2 * HOUR),
  impactDescription: 'Users connecting with IMAP may see timeouts or NO [UNAVAILABLE].',
  feature: 'IMAP',
};

export const RESOLVED: SimServiceIssue = { ...ACTIVE, id: 'EX800001', title: 'Mail delivery delays (yesterday)', status: 'ServiceRestored', isResolved: true, startDateTime: new Date(Date.now() - 30 * HOUR), endDateTime: new Date(Date.now() - 26 * HOUR) };
export const SHAREPOINT: SimServiceIssue = { ...ACTIVE, id: 'SP700002', title: 'Some sites load slowly', service: 'SharePoint Online' };

export interface HealthOptions {
  issues?: SimServiceIssue[];
  /** Make `invoices` fail the way an outage makes it (default true). */
  outage?: boolean;
  graphRoles?: string[];
}

export function healthScenario(options: HealthOptions = {}): Scenario {
  const s = entraScenario({ inUseEndsInDays: 200, graphRoles: options.graphRoles ?? ['Application.Read.All', 'Mail.Send', 'ServiceHealth.Read.All'] });
  const invoices = s.exchange.mailboxes.find((m) => m.address === 'invoices@contoso.com')!;
  if (options.outage ?? true) invoices.fault = 'throttle';
  // The archiver's service principal holds no FullAccess on its mailbox: Add-MailboxPermission was never run.
  s.exchange.mailboxes.find((m) => m.address === 'archive@contoso.com')!.fullAccess = [];
  s.graph = { serviceIssues: options.issues ?? [ACTIVE] };
  return s;
}
