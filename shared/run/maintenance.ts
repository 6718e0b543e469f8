/**
 * Whether a mailbox is in a maintenance window at a given instant, and until when (issue 20). Pure:
 * the clock is passed in. A daily range belongs to the UTC day it begins on, so "22:00-02:00" with
 * `days: ["fri"]` covers Friday 22:00 to Saturday 02:00.
 */
import { parseDailyRange, WEEKDAYS, type MaintenanceWindow } from '../config/maintenance-schema';
import type { MaintenanceState } from '../contract/result';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The occurrences of a window that could contain `at`: [start, end) in epoch ms. */
function occurrences(window: MaintenanceWindow, at: number, days = [-1, 0]): [number, number][] {
  if ('start' in window) return [[Date.parse(window.start), Date.parse(window.end)]];
  const range = parseDailyRange(window.daily);
  if (!range) return [];
  const length = (range.to - range.from + 24 * 60) % (24 * 60) || 24 * 60;
  const today = Math.floor(at / DAY) * DAY;
  // Yesterday's occurrence may still run past midnight.
  return days
    .map((d) => today + d * DAY)
    .filter((day) => !window.days || window.days.includes(WEEKDAYS[new Date(day).getUTCDay()]!))
    .map((day) => [day + range.from * MINUTE, day + (range.from + length) * MINUTE]);
}

/**
 * The window in force at `at`, or undefined. Of overlapping windows, the one that ends last:
 * "until" is when notifications can next be sent.
 */
export function activeMaintenance(windows: readonly MaintenanceWindow[] | undefined, at: Date): MaintenanceState | undefined {
  const now = at.getTime();
  let found: { reason: string; end: number } | undefined;
  for (const window of windows ?? []) {
    for (const [start, end] of occurrences(window, now)) {
      if (start <= now && now < end && (!found || end > found.end)) found = { reason: window.reason, end };
    }
  }
  return found ? { reason: found.reason, endsAt: new Date(found.end).toISOString() } : undefined;
}

/** A window that begins after `at` and within `horizonMs`: the earliest, with its start and end. */
export interface PlannedMaintenance extends MaintenanceState {
  startsAt: string;
}

/** The next window to begin within `horizonMs` of `at` (the status page announces it), or undefined. */
export function nextMaintenance(windows: readonly MaintenanceWindow[] | undefined, at: Date, horizonMs = DAY): PlannedMaintenance | undefined {
  const now = at.getTime();
  let found: { reason: string; start: number; end: number } | undefined;
  for (const window of windows ?? []) {
    for (const [start, end] of occurrences(window, now, [0, 1])) {
      if (start > now && start <= now + horizonMs && (!found || start < found.start)) found = { reason: window.reason, start, end };
    }
  }
  return found ? { reason: found.reason, startsAt: new Date(found.start).toISOString(), endsAt: new Date(found.end).toISOString() } : undefined;
}
