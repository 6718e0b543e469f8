/**
 * Per run (issue 20): Microsoft 365 service health is read once, at the first failure an Exchange
 * Online outage causes, alongside the checks still running — never for a run without one. The read
 * is bounded by timeouts.graphMs and by the run's deadline, so a slow or hung Graph delays no check
 * and fails none: at worst the run ends with one SERVICE_HEALTH_UNREAD.
 */
import type { CloudEndpoints } from '../config/clouds';
import type { CheckResult, Warning } from '../contract/result';
import { isOutageShaped } from '../diagnosis/outage-shaped';
import type { Redactor } from '../diagnosis/redact';
import { activeIncidents, incidentFacts, markIncident, serviceHealthReadWarning } from '../diagnosis/service-incident';
import type { GraphClient } from '../entra/graph-client';
import { readServiceIssues, type ServiceHealthRead } from '../entra/service-health';

export class ServiceHealthWatch {
  private read: Promise<ServiceHealthRead> | undefined;

  constructor(
    private readonly graph: GraphClient,
    private readonly signal: AbortSignal,
  ) {}

  /** Each finished check: the first outage-shaped failure starts the run's one read. */
  see(result: CheckResult): void {
    if (this.read || !result.failure || !isOutageShaped(result.failure)) return;
    this.read = readServiceIssues(this.graph, this.signal);
  }

  /** Whether this run read service health (tests count requests; the docs promise none without a failure). */
  get started(): boolean {
    return this.read !== undefined;
  }

  /**
   * After the checks: marks the outage-shaped failures with the active incident (in place) and
   * returns the run-level warning when service health could not be read.
   */
  async finish(results: CheckResult[], cloud: CloudEndpoints, redactor: Redactor): Promise<Warning[]> {
    if (!this.read) return [];
    const read = await this.read;
    const unread = serviceHealthReadWarning(read, { objectId: this.graph.monitorObjectId, graphUrl: this.graph.access.url });
    if (unread) return [unread];
    if (!read.ok) return [];
    const [incident, ...others] = activeIncidents(read.issues);
    if (!incident) return [];
    markIncident(results, incidentFacts(incident, cloud, others.length));
    // Graph's texts went into remedies: scrubbed like every other text of a result.
    for (const r of results) if (r.failure) r.failure.remedy = redactor.scrub(r.failure.remedy);
    return [];
  }
}
