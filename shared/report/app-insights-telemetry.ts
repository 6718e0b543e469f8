/**
 * What one run becomes in Application Insights, as plain data (no SDK here, so it loads for free
 * and is tested without one): one availability result per mailbox, one MonitorRun event, one
 * SecretExpiring event per expiring credential, and an exception for each check the monitor
 * itself broke (INTERNAL) instead of an availability result, so a monitor bug never looks like a
 * mailbox outage. Names come from telemetry-names.ts.
 */
import { PHASES } from '../contract/codes';
import type { CheckResult, RunReport, Warning } from '../contract/result';
import { describeLocation, isCertificateLocation, locationName, type SecretLocation } from '../credentials/secret';
import type { RunPlan } from '../run/plan';
import type { RunContext } from './sink';
import type { ExpiryReport } from '../run/expiry-sweep';
import { EVENTS, EXPIRY_WARNINGS, MEASUREMENTS, PROPS, phaseMeasurement, testName } from './telemetry-names';

type Properties = Record<string, string>;
type Measurements = Record<string, number>;

export interface AvailabilityItem {
  id: string;
  name: string;
  duration: number;
  success: boolean;
  runLocation: string;
  message: string;
  properties: Properties;
  measurements: Measurements;
}

export interface EventItem {
  name: string;
  properties: Properties;
  measurements: Measurements;
}

export interface ExceptionItem {
  exception: Error;
  properties: Properties;
  measurements?: Measurements;
}

export interface RunTelemetry {
  availability: AvailabilityItem[];
  events: EventItem[];
  exceptions: ExceptionItem[];
}

/** Application Insights cuts property values at 8,192 characters; cut ours first, visibly. */
const MAX_VALUE = 8000;
const clip = (text: string) => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

export function runProperties(run: RunContext): Properties {
  return { [PROPS.runId]: run.runId, [PROPS.trigger]: run.trigger, [PROPS.host]: run.host, [PROPS.version]: run.version };
}

function message(result: CheckResult): string {
  if (result.failure) return clip(`${result.failure.code} in ${result.failure.phase}: ${result.failure.message}`);
  if (result.warnings.length > 0) return result.warnings.map((w) => w.code).join(', ');
  return 'ok';
}

function daysLeft(warnings: Warning[]): number | undefined {
  const days = warnings.find((w) => typeof w.daysLeft === 'number' && (EXPIRY_WARNINGS as readonly string[]).includes(w.code))?.daysLeft;
  return typeof days === 'number' ? days : undefined;
}

function availability(result: CheckResult, plan: RunPlan, run: RunContext): AvailabilityItem {
  const app = plan.mailboxes.find((m) => m.id === result.mailbox)?.app;
  const incident = result.warnings.find((w) => w.code === 'SERVICE_INCIDENT_ACTIVE')?.incidentId;
  const remedy = result.failure?.remedy ?? result.warnings.flatMap((w) => (w.remedy ? [`${w.code}: ${w.remedy}`] : [])).join('\n\n');
  const properties: Properties = {
    ...runProperties(run),
    [PROPS.mailbox]: result.mailbox,
    [PROPS.address]: result.address,
    [PROPS.app]: result.app,
    [PROPS.status]: result.status,
    ...(app ? { [PROPS.tenantId]: app.tenantId, [PROPS.clientId]: app.clientId } : {}),
    ...(result.failure ? { [PROPS.code]: result.failure.code, [PROPS.phase]: result.failure.phase, [PROPS.kind]: result.failure.kind } : {}),
    ...(result.warnings.length > 0 ? { [PROPS.warnings]: result.warnings.map((w) => w.code).join(',') } : {}),
    ...(remedy ? { [PROPS.remedy]: clip(remedy) } : {}),
    // Only inside a window: results outside one keep exactly the properties they always had.
    ...(result.maintenance ? { [PROPS.maintenance]: 'true', [PROPS.maintenanceReason]: clip(result.maintenance.reason) } : {}),
    ...(typeof incident === 'string' ? { [PROPS.serviceIncident]: incident } : {}),
  };
  const measurements: Measurements = {};
  for (const phase of PHASES) {
    const ms = result.phases[phase];
    if (ms !== null) measurements[phaseMeasurement(phase)] = ms;
  }
  if (result.folder) {
    measurements[MEASUREMENTS.messages] = result.folder.messages;
    measurements[MEASUREMENTS.unseen] = result.folder.unseen;
    if (result.folder.oldestUnseenMinutes !== undefined) measurements[MEASUREMENTS.oldestUnseenMinutes] = result.folder.oldestUnseenMinutes;
  }
  const days = result.secret?.daysLeft ?? daysLeft(result.warnings);
  if (days !== undefined) measurements[MEASUREMENTS.secretDaysLeft] = days;
  return {
    id: `${run.runId}/${result.mailbox}`,
    name: testName(result.mailbox),
    duration: result.durationMs,
    // A degraded mailbox works: its warnings travel as properties, not as a red dot.
    success: result.status !== 'failed',
    runLocation: run.location,
    message: message(result),
    properties,
    measurements,
  };
}

/**
 * How a SecretExpiring event names its secret: the alert splits by these two dimensions and the
 * workbook groups by them, so the checks and the expiry sweep must name one secret alike (a vault
 * secret: its name and vault URL; an environment variable: its name, and where it is read).
 */
function secretIdentity(location: SecretLocation): Properties {
  return { [PROPS.secretName]: locationName(location), [PROPS.vault]: 'vaultUrl' in location ? location.vaultUrl : describeLocation(location) };
}

function secretKey(location: SecretLocation): string {
  if ('env' in location) return `env:${location.env}`;
  if ('certificateFile' in location) return `file:${location.certificateFile}`;
  return `${location.vaultUrl}|${location.name}|${location.version ?? ''}`;
}

/** The expiry warning an event is about: by EXPIRY_WARNINGS' order, so Entra's date wins. */
function firstExpiryWarning(warnings: Warning[]): Warning | undefined {
  for (const code of EXPIRY_WARNINGS) {
    const found = warnings.find((w) => w.code === code);
    if (found) return found;
  }
  return undefined;
}

/** One event per credential: five mailboxes sharing an expiring secret are one thing to renew. */
function secretEvents(report: RunReport, plan: RunPlan, run: RunContext): EventItem[] {
  const byCredential = new Map<string, { warning: Warning; location: SecretLocation; apps: Set<string>; clientIds: Set<string>; tenantIds: Set<string>; mailboxes: string[] }>();
  for (const result of report.results) {
    const warning = firstExpiryWarning(result.warnings);
    const app = plan.mailboxes.find((m) => m.id === result.mailbox)?.app;
    if (!warning || !app) continue;
    const key = secretKey(app.secret);
    const entry = byCredential.get(key) ?? { warning, location: app.secret, apps: new Set(), clientIds: new Set(), tenantIds: new Set(), mailboxes: [] };
    entry.apps.add(app.id);
    entry.clientIds.add(app.clientId);
    entry.tenantIds.add(app.tenantId);
    entry.mailboxes.push(result.mailbox);
    byCredential.set(key, entry);
  }
  return [...byCredential.values()].map(({ warning, location, apps, clientIds, tenantIds, mailboxes }): EventItem => ({
    name: EVENTS.secretExpiring,
    properties: {
      ...runProperties(run),
      [PROPS.code]: warning.code,
      [PROPS.app]: [...apps].join(','),
      [PROPS.clientId]: [...clientIds].join(','),
      [PROPS.tenantId]: [...tenantIds].join(','),
      ...secretIdentity(location),
      // Added, not renamed (issue 18): the event name stays SecretExpiring for certificates too.
      [PROPS.credentialKind]: isCertificateLocation(location) ? 'certificate' : 'secret',
      ...(typeof (warning.endDateTime ?? warning.expiresOn) === 'string' ? { [PROPS.expiresOn]: (warning.endDateTime ?? warning.expiresOn) as string } : {}),
      [PROPS.mailboxes]: clip(mailboxes.join(',')),
      ...(warning.remedy ? { [PROPS.remedy]: clip(warning.remedy) } : {}),
    },
    measurements: typeof warning.daysLeft === 'number' ? { [MEASUREMENTS.daysLeft]: warning.daysLeft } : ({} as Measurements),
  }));
}

/**
 * The expiry sweep: one SecretExpiring event per credential in its window (Entra's date when
 * Graph was read, the vault's otherwise), with the mailboxes that stop when it expires. The secret
 * is named from the plan's location of the app's secret, as the checks name it (secretIdentity),
 * not from the sweep's description of it: one secret is one alert and one workbook row.
 */
export function sweepEvents(report: ExpiryReport, plan: RunPlan, run: RunContext): EventItem[] {
  const events: EventItem[] = [];
  for (const c of report.credentials) {
    const warning = firstExpiryWarning(c.warnings);
    if (!warning) continue;
    const expiresOn = (warning.endDateTime ?? warning.expiresOn) as string | undefined;
    const location = plan.mailboxes.find((m) => m.app.id === c.app)?.app.secret;
    events.push({
      name: EVENTS.secretExpiring,
      properties: {
        ...runProperties(run),
        [PROPS.code]: warning.code,
        [PROPS.app]: c.app,
        [PROPS.clientId]: c.clientId,
        [PROPS.tenantId]: c.tenantId,
        ...(location ? secretIdentity(location) : { [PROPS.secretName]: c.secret }),
        [PROPS.credentialKind]: c.credentialKind ?? 'secret',
        ...(expiresOn ? { [PROPS.expiresOn]: expiresOn } : {}),
        [PROPS.mailboxes]: clip(c.mailboxes.join(',')),
        ...(warning.remedy ? { [PROPS.remedy]: clip(warning.remedy) } : {}),
      },
      measurements: typeof warning.daysLeft === 'number' ? { [MEASUREMENTS.daysLeft]: warning.daysLeft } : ({} as Measurements),
    });
  }
  return events;
}

/** The monitor's own failure on one check, as an exception with the check's context. */
function internalException(result: CheckResult, run: RunContext): ExceptionItem {
  const failure = result.failure!;
  const exception = new Error(failure.message);
  exception.name = 'MonitorInternalError';
  // The stack would be the reporter's, not the bug's: the message (already redacted) is the evidence.
  exception.stack = `${exception.name}: ${failure.message}`;
  return {
    exception,
    properties: { ...runProperties(run), [PROPS.mailbox]: result.mailbox, [PROPS.app]: result.app, [PROPS.code]: failure.code, [PROPS.phase]: failure.phase, [PROPS.kind]: failure.kind },
  };
}

export function runTelemetry(report: RunReport, plan: RunPlan, run: RunContext): RunTelemetry {
  const internal = report.results.filter((r) => r.failure?.code === 'INTERNAL');
  const checked = report.results.filter((r) => r.failure?.code !== 'INTERNAL');
  const monitorRun: EventItem = {
    name: EVENTS.monitorRun,
    properties: {
      ...runProperties(run),
      [PROPS.status]: report.status,
      [PROPS.location]: run.location,
      // The run's own warnings (about the monitor, e.g. GRAPH_PERMISSION_MISSING).
      ...(report.warnings?.length ? { [PROPS.warnings]: report.warnings.map((w) => w.code).join(',') } : {}),
    },
    measurements: {
      [MEASUREMENTS.total]: report.counts.total,
      [MEASUREMENTS.ok]: report.counts.ok,
      [MEASUREMENTS.degraded]: report.counts.degraded,
      [MEASUREMENTS.failed]: report.counts.failed,
      [MEASUREMENTS.internal]: internal.length,
      [MEASUREMENTS.durationMs]: report.durationMs,
    },
  };
  return {
    availability: checked.map((r) => availability(r, plan, run)),
    events: [monitorRun, ...secretEvents(report, plan, run)],
    exceptions: internal.map((r) => internalException(r, run)),
  };
}

/** CONFIG_INVALID or a crash outside any mailbox's check. */
export function monitorException(error: Error, run: RunContext, properties: Properties = {}): ExceptionItem {
  return { exception: error, properties: { ...runProperties(run), ...properties } };
}
