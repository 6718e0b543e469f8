/**
 * The uptime as the HTTP handlers read it: within a budget of its own, so a slow history never
 * holds up the status page or `?source=stored` — they answer without figures and say why.
 */
import { fanoutSettings } from '../fanout/fanout-settings';
import type { StateStore } from './state-store';
import type { Uptime } from './uptime';

/** The history reads of one page view or stored report are over by then. */
export const UPTIME_READ_MS = 15_000;

export async function readUptime(store: StateStore, mailboxes: string[], env: NodeJS.ProcessEnv, now = new Date()): Promise<Map<string, Uptime> | Error> {
  try {
    const historyDays = fanoutSettings(env).historyDays;
    return await store.uptimeOf(mailboxes, historyDays, now, { deadlineAt: performance.now() + UPTIME_READ_MS });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`the history could not be read from Table Storage: ${message.length > 300 ? `${message.slice(0, 300)}…` : message}`);
  }
}
