/**
 * Every name the monitor's telemetry carries, in one place: the Application Insights reporter
 * writes them, and the alert rules, the workbook, the queries in docs/operations.md and the tests read them
 * from here. They are a public contract like the failure codes: saved queries and alert rules in
 * customers' subscriptions name them, so they are only ever added, never renamed.
 */
import type { Phase } from '../contract/codes';

/**
 * The Application Insights tables the records land in (the resource's names; a Log Analytics
 * workspace query calls them AppAvailabilityResults, AppEvents, AppExceptions).
 */
export const TABLES = { availability: 'availabilityResults', events: 'customEvents', exceptions: 'exceptions' } as const;

/** Availability test name of one mailbox: `mailbox:<id>` (one custom availability test each). */
export const TEST_NAME_PREFIX = 'mailbox:';
export const testName = (mailboxId: string): string => `${TEST_NAME_PREFIX}${mailboxId}`;

export const EVENTS = {
  /** One per run (and per queue batch of a fanned-out run): the heartbeat "the monitor stopped" watches. */
  monitorRun: 'MonitorRun',
  /** One per expiring or expired credential per run, however many mailboxes share the credential. */
  secretExpiring: 'SecretExpiring',
} as const;

/** customDimensions keys. */
export const PROPS = {
  runId: 'runId',
  trigger: 'trigger',
  host: 'host',
  /** MonitorRun: REGION_NAME on Functions, else the host name (the availability results' runLocation). */
  location: 'location',
  version: 'version',
  mailbox: 'mailbox',
  address: 'address',
  app: 'app',
  tenantId: 'tenantId',
  clientId: 'clientId',
  status: 'status',
  code: 'code',
  phase: 'phase',
  kind: 'kind',
  /** Comma-separated warning codes of a degraded (or failed) mailbox. */
  warnings: 'warnings',
  remedy: 'remedy',
  /** SecretExpiring: the warning code (CREDENTIAL_EXPIRING, SECRET_EXPIRING, SECRET_EXPIRED_IN_VAULT or CERTIFICATE_EXPIRING). */
  secretName: 'secretName',
  vault: 'vault',
  expiresOn: 'expiresOn',
  /** SecretExpiring: `secret` or `certificate` (issue 18): which kind of credential expires. */
  credentialKind: 'credentialKind',
  /** SecretExpiring: the mailboxes whose check read this credential. */
  mailboxes: 'mailboxes',
  /**
   * Availability: "true" when the check ran in a maintenance window (issue 20), absent otherwise;
   * the alert rules and the workbook's uptime leave such results out.
   */
  maintenance: 'maintenance',
  /** Availability, with `maintenance`: the window's reason. */
  maintenanceReason: 'maintenanceReason',
  /**
   * Availability (issue 20): the id of the active Exchange Online incident (e.g. EX812345) a failed
   * check's failure looks like; absent otherwise. The failing-mailbox alert splits by it.
   */
  serviceIncident: 'serviceIncident',
} as const;

/** customMeasurements keys of the availability results. Phase timings are `<phase>Ms`. */
export const phaseMeasurement = (phase: Phase): `${Phase}Ms` => `${phase}Ms`;
export const MEASUREMENTS = {
  messages: 'messages',
  unseen: 'unseen',
  oldestUnseenMinutes: 'oldestUnseenMinutes',
  secretDaysLeft: 'secretDaysLeft',
  /** SecretExpiring */
  daysLeft: 'daysLeft',
  /** MonitorRun */
  total: 'total',
  ok: 'ok',
  degraded: 'degraded',
  failed: 'failed',
  /** MonitorRun: checks that ended in INTERNAL (a monitor bug, reported as exceptions). */
  internal: 'internal',
  durationMs: 'durationMs',
} as const;

/**
 * Warning codes that raise a SecretExpiring event. CREDENTIAL_EXPIRING (Entra's own end date, read
 * from Microsoft Graph) is preferred over the vault's copy when a result has both.
 */
export const EXPIRY_WARNINGS = ['CREDENTIAL_EXPIRING', 'SECRET_EXPIRING', 'SECRET_EXPIRED_IN_VAULT', 'CERTIFICATE_EXPIRING'] as const;

/** Failure codes that mean the monitor broke: an exception, never an availability result. */
export const MONITOR_FAILURE_CODES = ['INTERNAL', 'CONFIG_INVALID'] as const;
