/**
 * "Is it us or Microsoft?" (issue 20): which Exchange Online issue is active, and what a failure an
 * outage causes says once one is: a SERVICE_INCIDENT_ACTIVE warning with the incident, and a remedy
 * that says to wait for Microsoft first, the configuration remedy kept after it. Plus the run's one
 * warning when service health could not be read.
 */
import type { CloudEndpoints } from '../config/clouds';
import { exchangeResourceOf } from '../config/clouds';
import type { CheckResult, Warning } from '../contract/result';
import { EXCHANGE_ONLINE_SERVICE, SERVICE_HEALTH_PERMISSION, type ServiceHealthRead, type ServiceIssue } from '../entra/service-health';
import { grantGraphRoleCommand, type MonitorIdentityFacts } from './entra-warnings';
import { describeIncident, type IncidentFacts } from './incident-text';
import { isOutageShaped } from './outage-shaped';

export { describeIncident, type IncidentFacts };

/**
 * serviceHealthStatus values that mean the issue is over, whatever `isResolved` says (Graph's own
 * reference: serviceRestored, postIncidentReviewPublished, falsePositive; the reserved `resolved…`
 * and `mitigated…` ones), compared without case: Graph answers `ServiceRestored`.
 */
const OVER = new Set(['serviceoperational', 'servicerestored', 'postincidentreviewpublished', 'falsepositive', 'resolved', 'resolvedexternal', 'mitigated', 'mitigatedexternal']);

/**
 * The unresolved Exchange Online issues, most relevant first: incidents before advisories, then the
 * most recently updated. Graph was asked for exactly these; they are selected again because a
 * proxy, a cache or a Graph that ignores `$filter` must not make a resolved issue look active.
 */
export function activeIncidents(issues: ServiceIssue[], now = Date.now()): ServiceIssue[] {
  const active = issues.filter(
    (i) => i.service.trim().toLowerCase() === EXCHANGE_ONLINE_SERVICE.toLowerCase() && !i.isResolved && !OVER.has(i.status.trim().toLowerCase()) && !(i.end && i.end.getTime() <= now),
  );
  const rank = (i: ServiceIssue) => (i.classification?.toLowerCase() === 'incident' ? 0 : 1);
  const updated = (i: ServiceIssue) => (i.lastModified ?? i.start).getTime();
  return active.sort((a, b) => rank(a) - rank(b) || updated(b) - updated(a));
}

/**
 * The Microsoft 365 admin center's page of one issue. Only the worldwide service's link is known
 * (admin.microsoft.com, Health > Service health); GCC High, DoD and 21Vianet have their own admin
 * centers, whose link form is not documented: there the warning says where to look instead. The
 * cloud is the tenant's Exchange Online, so a custom cloud in front of worldwide Exchange gets the link.
 */
export function incidentUrl(cloud: Pick<CloudEndpoints, 'authorityHost' | 'imapResource'>, id: string): string | null {
  const exchange = exchangeResourceOf(cloud);
  if (exchange !== 'https://outlook.office365.com' && exchange !== 'https://outlook.office.com') return null;
  return `https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/${encodeURIComponent(id)}`;
}

const where = (url: string | null) => url ?? 'your Microsoft 365 admin center > Health > Service health (no known link for this cloud)';

/** The incident as a warning's data fields (also what the table and the notifications show). */
export function incidentFacts(incident: ServiceIssue, cloud: Pick<CloudEndpoints, 'authorityHost' | 'imapResource'>, others: number): IncidentFacts {
  return {
    incidentId: incident.id,
    title: incident.title,
    status: incident.status,
    classification: incident.classification,
    startedAt: incident.start.toISOString(),
    url: incidentUrl(cloud, incident.id),
    service: incident.service,
    ...(incident.feature ? { feature: incident.feature } : {}),
    otherIncidents: others,
  };
}

/**
 * Marks each outage-shaped failure of the run with the incident (in place, before the report is
 * built): a SERVICE_INCIDENT_ACTIVE warning, and the remedy rewritten to "wait for Microsoft", the
 * configuration remedy after it. Other failures (a wrong secret in the same run) are left alone.
 * Returns how many results were marked.
 */
export function markIncident(results: CheckResult[], facts: IncidentFacts): number {
  let marked = 0;
  for (const result of results) {
    if (!result.failure || !isOutageShaped(result.failure)) continue;
    result.warnings.push({ code: 'SERVICE_INCIDENT_ACTIVE', message: describeIncident(facts), ...facts });
    result.failure.remedy =
      `Microsoft lists an active ${describeIncident(facts)}. This failure is what such an incident causes: wait for Microsoft and follow the incident at ${where(facts.url)} rather than changing the configuration. ` +
      `If it persists once the incident is resolved: ${result.failure.remedy}`;
    marked++;
  }
  return marked;
}

/**
 * The run's one warning when service health could not be read; undefined when it was. A 403 is
 * GRAPH_PERMISSION_MISSING (the same code as for Application.Read.All: the fix is the same kind of
 * grant, and consumers already route that code to whoever can grant Graph app roles), with the
 * permission named in `permission`; anything else is SERVICE_HEALTH_UNREAD.
 */
export function serviceHealthReadWarning(read: ServiceHealthRead, identity: MonitorIdentityFacts): Warning | undefined {
  if (read.ok) return undefined;
  if (read.reason === 'permission') {
    return {
      code: 'GRAPH_PERMISSION_MISSING',
      message: `the monitor's identity${identity.objectId ? ` (${identity.objectId})` : ''} may not read Microsoft 365 service health in Microsoft Graph (403, ${SERVICE_HEALTH_PERMISSION} missing), so failures an Exchange Online outage causes are not matched against Microsoft's incidents`,
      remedy: `Grant it the Microsoft Graph application permission ${SERVICE_HEALTH_PERMISSION} (read-only; the grant is the consent, and assigning a Graph app role needs a Privileged Role Administrator or Global Administrator): ${grantGraphRoleCommand(SERVICE_HEALTH_PERMISSION, identity)}`,
      permission: SERVICE_HEALTH_PERMISSION,
    };
  }
  return {
    code: 'SERVICE_HEALTH_UNREAD',
    message: `Exchange Online service health could not be read, so this run cannot say whether its outage-shaped failures are Microsoft's: ${read.error.message}`,
    remedy:
      read.reason === 'malformed'
        ? `Graph answered, but not with a list of service health issues as documented (the message names the field): check what sits between the monitor and ${identity.graphUrl} (a proxy or gateway rewriting answers). Meanwhile check Service health in the Microsoft 365 admin center.`
        : `Check that ${identity.graphUrl} is reachable from the monitor (firewall, proxy); throttling passes by itself. Meanwhile check Service health in the Microsoft 365 admin center.`,
    permission: SERVICE_HEALTH_PERMISSION,
  };
}
