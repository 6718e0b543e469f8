/**
 * Application Insights as a sink, through the `applicationinsights` SDK's classic TelemetryClient
 * (the only public way to write availability results), built from the SDK's parts without its
 * global setup code (app-insights-client.ts: that code was most of a cold start). Required only
 * when APPLICATIONINSIGHTS_CONNECTION_STRING is set (sinks-from-env.ts).
 *
 * The SDK is configured on purpose, not with `setup().start()`: its own providers
 * (`useGlobalProviders: false`) so nothing is auto-collected — no requests, dependencies,
 * performance counters, console, exceptions, no Live Metrics — and only what this monitor tracks
 * is sent; no sampling (log records such as availability results are never sampled on this path,
 * and traces are pinned at 100 %); offline storage on, so a short ingestion outage is re-sent by a
 * later run, unless TELEMETRY_OFFLINE_STORAGE=off (tests).
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { TokenCredential } from '@azure/identity';
import { ClassicTelemetryClient } from './app-insights-client';
import type { RunReport } from '../contract/result';
import type { RunPlan } from '../run/plan';
import { monitorException, runTelemetry, sweepEvents } from './app-insights-telemetry';
import type { ExpiryReport } from '../run/expiry-sweep';
import { IngestionWatch } from './ingestion-watch';
import type { RunContext, Sink } from './sink';

/**
 * `Authorization=AAD` (system-assigned identity) or `Authorization=AAD;ClientId=<id>`
 * (user-assigned): ingestion with Entra ID instead of the key, as Azure recommends.
 */
function ingestionCredential(authentication: string | undefined): TokenCredential | undefined {
  if (!authentication) return undefined;
  const fields = new Map(authentication.split(';').map((part) => part.split('=').map((s) => s.trim()) as [string, string]));
  if (fields.get('Authorization')?.toUpperCase() !== 'AAD') {
    throw new Error('APPLICATIONINSIGHTS_AUTHENTICATION_STRING: expected "Authorization=AAD" or "Authorization=AAD;ClientId=<client id>"');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ManagedIdentityCredential } = require('@azure/identity') as typeof import('@azure/identity');
  const clientId = fields.get('ClientId');
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}

export interface AppInsightsOptions {
  connectionString: string;
  /** Keep batches that could not be sent on disk and re-send them later. */
  offlineStorage: boolean;
  /** APPLICATIONINSIGHTS_AUTHENTICATION_STRING */
  authentication?: string;
  /** What Application Insights files the telemetry under: cloud_RoleName, cloud_RoleInstance. */
  cloudRole: { name: string; instance: string };
}

export class AppInsightsSink implements Sink {
  readonly name = 'applicationinsights';
  private readonly client: ClassicTelemetryClient;
  private readonly watch = new IngestionWatch();
  private readonly offlineStorage: boolean;

  constructor(options: AppInsightsOptions) {
    const { connectionString, offlineStorage } = options;
    const credential = ingestionCredential(options.authentication);
    this.offlineStorage = offlineStorage;
    // Statsbeat is the SDK's own usage telemetry, sent to Microsoft's endpoints rather than to
    // this resource; the SDK reads this switch from process.env when its exporters are built.
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true';
    this.client = new ClassicTelemetryClient(connectionString);
    this.client.config.samplingPercentage = 100;
    this.client.config.azureMonitorOpenTelemetryOptions = {
      azureMonitorExporterOptions: {
        connectionString,
        disableOfflineStorage: !offlineStorage,
        ...(credential ? { credential } : {}),
        // Sees each ingestion request's outcome: the SDK's flush does not tell (ingestion-watch.ts).
        additionalPolicies: [{ policy: this.watch.policy, position: 'perCall' }],
      },
      // The cloud role (cloud_RoleName, the Application map) instead of the SDK's default
      // `unknown_service:node`: the exporter maps service.name and service.instance.id to it.
      resource: resourceFromAttributes({ 'service.name': options.cloudRole.name, 'service.instance.id': options.cloudRole.instance }),
      enableLiveMetrics: false,
      enableAutoCollectPerformance: false,
      enableAutoCollectExceptions: false,
    };
  }

  async report(report: RunReport, plan: RunPlan, run: RunContext): Promise<void> {
    const telemetry = runTelemetry(report, plan, run);
    for (const item of telemetry.availability) this.client.trackAvailability(item);
    for (const item of telemetry.exceptions) this.client.trackException(item);
    for (const item of telemetry.events) this.client.trackEvent(item);
  }

  async credentials(report: ExpiryReport, plan: RunPlan, run: RunContext): Promise<void> {
    for (const item of sweepEvents(report, plan, run)) this.client.trackEvent(item);
  }

  async monitorError(error: Error, run: RunContext, properties?: Record<string, string>): Promise<void> {
    this.client.trackException(monitorException(error, run, properties));
  }

  async flush(timeoutMs: number): Promise<void> {
    // An unreachable endpoint makes the SDK retry for ~6 s and a hanging one wait far longer
    // (docs/SDK-FACTS.md); what is not sent by then stays in offline storage for a later run.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`flush not finished within ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([this.client.flush(), timeout]);
    } catch (error) {
      this.watch.take(); // the timeout says it for this run
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // Requests that ended since the last flush: this run's, and late ones of a flush that timed out.
    const seen = this.watch.take();
    if (seen.failed > 0) {
      const fate = this.offlineStorage ? 'retriable ones are kept on disk and re-sent by a later run' : 'offline storage is off: it is lost';
      throw new Error(`ingestion did not accept the telemetry: ${seen.failed} of ${seen.requests} request(s) failed (last: ${seen.last})${seen.rejectedItems ? `, ${seen.rejectedItems} item(s) rejected` : ''}; ${fate}`);
    }
  }
}
