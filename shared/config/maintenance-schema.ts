/**
 * Maintenance windows in the configuration (issue 20): per mailbox or per app, a one-off window
 * (`start`/`end`, ISO instants in UTC) or a daily recurring range (`daily: "HH:MM-HH:MM"` in UTC,
 * optionally only on some `days`). During a window the checks run and are recorded, but nobody is
 * notified and the alert rules and uptime figures leave the results out (docs/uptime-and-maintenance.md).
 * When a window is in force is decided in shared/run/maintenance.ts.
 */
import { z } from 'zod';
import { maintenanceReason } from './fields';

/** UTC only: a local offset in a config read by machines in several regions is a trap. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?Z$/;
const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$/;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** More windows than this on one mailbox or app is a generated list gone wrong, not a plan. */
export const MAX_WINDOWS = 100;

/** Whether the text names a real instant: the pattern alone lets 2026-02-30 through. */
function realInstant(value: string): boolean {
  const m = INSTANT.exec(value);
  if (!m) return false;
  const at = new Date(Date.parse(value));
  return !Number.isNaN(at.getTime()) && at.getUTCFullYear() === Number(m[1]) && at.getUTCMonth() + 1 === Number(m[2]) && at.getUTCDate() === Number(m[3]);
}

const instant = z.string().max(40, { error: 'must be an ISO 8601 instant in UTC like 2026-12-05T18:00:00Z', abort: true }).refine(realInstant, 'must be an ISO 8601 instant in UTC like 2026-12-05T18:00:00Z (ending in Z: windows are in UTC)');

/** Minutes after midnight UTC of a range's start and end; "24:00" only as an end. */
export function parseDailyRange(range: string): { from: number; to: number } | undefined {
  const m = RANGE.exec(range);
  if (!m) return undefined;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  if (to > 24 * 60) return undefined;
  return { from, to };
}

const oneOff = z
  .object({
    start: instant.describe('When the window begins (ISO 8601, UTC, e.g. 2026-12-05T16:00:00Z)'),
    end: instant.describe('When it ends (after start)'),
    reason: maintenanceReason.describe('Why: shown on the status page and carried by the results'),
  })
  .strict()
  // Judged only between two real instants: a bad start is its own problem, not also the end's.
  .refine((w) => !realInstant(w.start) || !realInstant(w.end) || Date.parse(w.end) > Date.parse(w.start), { message: 'must be after start', path: ['end'] });

const daily = z
  .object({
    daily: z
      .string()
      .max(11, { error: 'must be a UTC time range "HH:MM-HH:MM" like "22:00-23:30"', abort: true })
      .refine((value) => parseDailyRange(value) !== undefined, 'must be a UTC time range "HH:MM-HH:MM" like "22:00-23:30" (hours 00-23, minutes 00-59; an end of 24:00 is midnight)')
      .refine((value) => {
        const range = parseDailyRange(value);
        return !range || range.from !== range.to % (24 * 60);
      }, 'must not start and end at the same time: a window of 24 hours a day is no maintenance window (use start/end for a long one)')
      .describe('Every day from HH:MM to HH:MM UTC; an end before the start runs past midnight'),
    days: z
      .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.map((d) => `"${d}"`).join(', ')}` }))
      .min(1, 'must name at least one day, or be left out for every day')
      .refine((days) => new Set(days).size === days.length, 'must not name a day twice')
      .optional()
      .describe('Only on these UTC weekdays (the day the window begins); every day when omitted'),
    reason: maintenanceReason.describe('Why: shown on the status page and carried by the results'),
  })
  .strict();

export const maintenanceWindow = z.union([oneOff, daily]);

export const maintenanceList = z
  .array(maintenanceWindow)
  .max(MAX_WINDOWS, { error: `must list at most ${MAX_WINDOWS} windows` })
  .optional()
  .describe('Maintenance windows: checks still run and are recorded, but no notification is sent and alerts and uptime leave them out');

export type MaintenanceWindow = z.output<typeof maintenanceWindow>;
