/**
 * What the ingestion endpoint did with the telemetry, seen from the exporter's own HTTP pipeline.
 *
 * The `applicationinsights` SDK's flush resolves whatever happened on the wire: its provider
 * catches a failed export (`_runWithErrorHandling` → `diag.error`), and its sender reports a
 * refused connection, a 5xx or a 429 as a success once the batch is handed to offline storage (or
 * dropped, with offline storage off); a 400 or 403 is dropped. So a run whose telemetry never
 * arrived looked delivered (issue 10). The exporter options are the Azure SDK client options, so
 * a per-call policy (`additionalPolicies`, a public option) sees every `POST /v2.1/track` after the
 * SDK's own retries: the status, Breeze's `itemsReceived`/`itemsAccepted`, or the network error.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

export interface IngestionProblems {
  /** Track requests since the last take(). */
  requests: number;
  failed: number;
  /** Items the endpoint answered for but did not accept (206, or 200 with fewer accepted). */
  rejectedItems: number;
  /** The last failure, as `HTTP 503` or the network error's message. */
  last?: string;
}

const NAME = 'mailboxHealthIngestionWatch';
/** Breeze moves a resource with 307/308; the sender re-sends to the new host, and that attempt counts. */
const REDIRECTS = new Set([307, 308]);

export class IngestionWatch {
  private counts: IngestionProblems = { requests: 0, failed: 0, rejectedItems: 0 };

  readonly policy: PipelinePolicy = {
    name: NAME,
    sendRequest: async (request, next) => {
      if (!/\/track$/.test(new URL(request.url).pathname)) return next(request);
      this.counts.requests++;
      try {
        const response = await next(request);
        if (REDIRECTS.has(response.status)) return response; // the sender follows it itself
        if (response.status === 200 || response.status === 206) {
          const rejected = rejectedItems(response.bodyAsText);
          if (rejected > 0 || response.status === 206) {
            this.counts.rejectedItems += rejected;
            this.counts.failed++;
            this.counts.last = `HTTP ${response.status}: ${rejected} item(s) not accepted`;
          }
        } else {
          this.counts.failed++;
          this.counts.last = `HTTP ${response.status}`;
        }
        return response;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status && REDIRECTS.has(status)) throw error;
        this.counts.failed++;
        this.counts.last = status ? `HTTP ${status}` : error instanceof Error ? error.message : String(error);
        throw error;
      }
    },
  };

  /** What happened since the last call, and start counting anew. */
  take(): IngestionProblems {
    const counts = this.counts;
    this.counts = { requests: 0, failed: 0, rejectedItems: 0 };
    return counts;
  }
}

/** Breeze answers `{ itemsReceived, itemsAccepted, errors }`; anything else counts as nothing rejected. */
function rejectedItems(body: string | null | undefined): number {
  try {
    const { itemsReceived, itemsAccepted } = JSON.parse(body ?? '') as { itemsReceived?: unknown; itemsAccepted?: unknown };
    return typeof itemsReceived === 'number' && typeof itemsAccepted === 'number' ? Math.max(0, itemsReceived - itemsAccepted) : 0;
  } catch {
    return 0;
  }
}
