/**
 * Microsoft 365 service health as Microsoft Graph's service communications API lists it (issue 20):
 * `GET /v1.0/admin/serviceAnnouncement/issues?$filter=service eq 'Exchange Online' and isResolved eq false`
 * with the monitor's own identity (application permission ServiceHealth.Read.All).
 * References: "serviceAnnouncement: listIssues" (https://learn.microsoft.com/graph/api/serviceannouncement-list-issues)
 * and "serviceHealthIssue resource type" (https://learn.microsoft.com/graph/api/resources/servicehealthissue).
 * Read at most once per run, and only when the run has a failure an outage causes (run/service-health-watch.ts).
 */
import { z } from 'zod';
import { OUTSIDE_TEXT_CHARS, outsideText } from '../diagnosis/outside-text';
import { isInterruption } from '../resilience/deadline';
import { GraphClient, GraphError, graphErrorOf, malformedAnswer } from './graph-client';

/** The service name Graph gives Exchange Online (its healthOverviews id is `Exchange`). */
export const EXCHANGE_ONLINE_SERVICE = 'Exchange Online';
/** The application permission the read needs (Microsoft Graph app role). */
export const SERVICE_HEALTH_PERMISSION = 'ServiceHealth.Read.All';

export interface ServiceIssue {
  id: string;
  title: string;
  service: string;
  /** serviceHealthStatus; Graph writes it in PascalCase (`ServiceDegradation`) though the reference lists camelCase. */
  status: string;
  /** `incident`, `advisory` (any case), or null when Graph leaves it out. */
  classification: string | null;
  isResolved: boolean;
  start: Date;
  end: Date | null;
  lastModified: Date | null;
  impactDescription: string | null;
  feature: string | null;
}

export type ServiceHealthRead =
  | { ok: true; issues: ServiceIssue[] }
  | { ok: false; reason: 'permission' | 'unavailable' | 'malformed'; error: GraphError };

// ISO 8601 with a time and an offset, as Graph writes DateTimeOffset; and a real calendar date.
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const date = z
  .string({ error: 'must be a date (ISO 8601)' })
  .refine((v) => ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)), 'must be a date (ISO 8601)')
  .transform((v) => new Date(v));
const optionalDate = date.nullish().transform((v) => v ?? null);
const text = (max: number) => z.string({ error: 'must be a text' }).transform((v) => outsideText(v, max));
const optionalText = (max: number) => text(max).nullish().transform((v) => v ?? null);
// An issue id goes into the admin center link and into telemetry: letters, digits, `-` and `_` only (EX226792).
const issueId = z.string({ error: 'must be an issue id' }).regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an issue id (letters and digits, like EX226792)');

const issues = z.object(
  {
    value: z.array(
      z.object(
        {
          id: issueId,
          title: text(OUTSIDE_TEXT_CHARS),
          service: text(100),
          status: text(60),
          classification: optionalText(40),
          isResolved: z.boolean({ error: 'must be true or false' }),
          startDateTime: date,
          endDateTime: optionalDate,
          lastModifiedDateTime: optionalDate,
          impactDescription: optionalText(OUTSIDE_TEXT_CHARS),
          feature: optionalText(120),
        },
        { error: 'must be a serviceHealthIssue object' },
      ),
      { error: 'must be a list' },
    ),
  },
  { error: 'must be a collection of serviceHealthIssue' },
);

/** Graph's 200 as the issues, or the read's failure naming the first field that is wrong. */
export function parseServiceIssues(body: unknown, what: string): ServiceHealthRead {
  const parsed = issues.safeParse(body);
  if (!parsed.success) {
    return { ok: false, reason: 'malformed', error: malformedAnswer(parsed.error, body, what) };
  }
  return {
    ok: true,
    issues: parsed.data.value.map((i) => ({
      id: i.id,
      title: i.title,
      service: i.service,
      status: i.status,
      classification: i.classification,
      isResolved: i.isResolved,
      start: i.startDateTime,
      end: i.endDateTime,
      lastModified: i.lastModifiedDateTime,
      impactDescription: i.impactDescription,
      feature: i.feature,
    })),
  };
}

const SELECT = 'id,title,service,status,classification,isResolved,startDateTime,endDateTime,lastModifiedDateTime,impactDescription,feature';

/** The request's path: filtered by Graph to Exchange Online and unresolved (and again here, see activeIncidents). */
export function serviceIssuesPath(): string {
  const filter = `service eq '${EXCHANGE_ONLINE_SERVICE}' and isResolved eq false`;
  return `/v1.0/admin/serviceAnnouncement/issues?$filter=${encodeURIComponent(filter)}&$select=${SELECT}`;
}

/** One read; never throws. `signal` is the run's: its deadline ends the read too. */
export async function readServiceIssues(graph: GraphClient, signal?: AbortSignal): Promise<ServiceHealthRead> {
  const what = 'reading Exchange Online service health from Microsoft Graph';
  try {
    const response = await graph.request('GET', serviceIssuesPath(), undefined, signal);
    if (response.status === 200) return parseServiceIssues(response.body, what);
    const error = graphErrorOf(response, what);
    return { ok: false, reason: response.status === 403 ? 'permission' : 'unavailable', error };
  } catch (thrown) {
    if (signal?.aborted) {
      const ended = isInterruption(signal.reason) ? 'the run was interrupted before Graph answered' : "no answer before the run's deadline (timeouts.runMs)";
      return { ok: false, reason: 'unavailable', error: new GraphError(`${what}: ${ended}`, null, 'RunDeadline', { cause: thrown }) };
    }
    const error = thrown instanceof GraphError ? thrown : new GraphError(`${what}: ${outsideText((thrown as Error).message)}`, null, 'Error', { cause: thrown });
    return { ok: false, reason: 'unavailable', error };
  }
}
