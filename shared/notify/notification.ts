/**
 * One message to people: what changed, for which mailbox or credential, the diagnosis and the
 * remedy. Built from an incident's transition (incidents.ts); rendered by each channel in its own
 * format. Never holds a secret or a token: only the result contract's redacted texts.
 */
import { inertStrings } from '../diagnosis/outside-text';

export type NotificationKind =
  | 'failing' // ok → failed
  | 'changed' // failed with another code
  | 'recovered' // failed → ok/degraded
  | 'warning' // a new warning kind
  | 'reminder' // still open after the repeat interval
  | 'credential-expiring' // entered the expiry window or crossed another threshold
  | 'credential-resolved'; // rotated: no longer in the window

export interface Notification {
  kind: NotificationKind;
  /** `mailbox:<id>` or `credential:<app id>`: what the incident is about. */
  incident: string;
  severity: 'critical' | 'warning' | 'good';
  title: string;
  summary: string;
  code?: string;
  remedy?: string;
  facts: { title: string; value: string }[];
  at: string;
  runId: string;
}

export const SEVERITY_OF: Record<NotificationKind, Notification['severity']> = {
  failing: 'critical',
  changed: 'critical',
  reminder: 'critical',
  warning: 'warning',
  'credential-expiring': 'warning',
  recovered: 'good',
  'credential-resolved': 'good',
};

/** Plain text for e-mail bodies and chat fallbacks; control characters written out (outside-text.ts). */
export function plainText(outside: Notification): string {
  const n = inertStrings(outside);
  return [n.title, '', n.summary, '', ...n.facts.map((f) => `${f.title}: ${f.value}`), ...(n.remedy ? ['', `Fix: ${n.remedy}`] : [])].join('\n');
}
