/** The message for an incident's transition: the diagnosis and remedy from the (redacted) result. */
import type { RunContext } from '../report/sink';
import type { Decision, Observation } from './incidents';
import { SEVERITY_OF, type Notification, type NotificationKind } from './notification';

const TITLE: Record<NotificationKind, string> = {
  failing: 'is failing',
  changed: 'fails differently now',
  reminder: 'is still failing',
  recovered: 'has recovered',
  warning: 'has a new warning',
  'credential-expiring': 'client secret expires soon',
  'credential-resolved': 'client secret no longer expiring',
};

export function compose(observation: Observation, decision: Decision & { send: NotificationKind }, run: RunContext, now: Date): Notification {
  const kind = decision.send;
  const common = { kind, incident: observation.incident, severity: SEVERITY_OF[kind], at: now.toISOString(), runId: run.runId };
  if (observation.kind === 'mailbox') {
    const r = observation.result;
    const facts = [
      { title: 'Mailbox', value: `${r.mailbox} <${r.address}>` },
      { title: 'App', value: r.app },
      { title: 'Status', value: r.status },
      ...(decision.next.openedAt && kind !== 'failing' ? [{ title: 'Failing since', value: decision.next.openedAt }] : []),
    ];
    if (r.failure && kind !== 'recovered') {
      facts.push({ title: 'Code', value: `${r.failure.code} (${r.failure.phase}, ${r.failure.kind})` });
      // Issue 20: the Exchange Online incident this failure looks like, where the reader sees it first.
      const incident = r.warnings.find((w) => w.code === 'SERVICE_INCIDENT_ACTIVE');
      if (incident) facts.push({ title: 'Microsoft incident', value: `${incident.message}${typeof incident.url === 'string' ? ` — ${incident.url}` : ''}` });
      return { ...common, title: `${r.mailbox} ${kind === 'reminder' ? TITLE.reminder : TITLE[kind]}: ${r.failure.code}`, summary: r.failure.message, code: r.failure.code, remedy: r.failure.remedy, facts };
    }
    if (kind === 'warning') {
      const w = r.warnings.find((x) => decision.next.warnings.split(',').includes(x.code)) ?? r.warnings[0]!;
      return { ...common, title: `${r.mailbox} ${TITLE.warning}: ${w.code}`, summary: w.message, code: w.code, ...(w.remedy ? { remedy: w.remedy } : {}), facts };
    }
    return { ...common, title: `${r.mailbox} ${TITLE.recovered}`, summary: `${r.address} checks ${r.status} again.`, facts };
  }
  const w = observation.warning;
  const facts = [
    { title: 'App', value: observation.app },
    ...(observation.daysLeft !== null ? [{ title: 'Days left', value: String(observation.daysLeft) }] : []),
    ...(w?.endDateTime || w?.expiresOn ? [{ title: 'Expires', value: String(w.endDateTime ?? w.expiresOn) }] : []),
    ...(w?.credentialName ? [{ title: 'Secret', value: `${String(w.credentialName)} (hint ${String(w.hint)}, key id ${String(w.credentialKeyId)})` }] : []),
  ];
  if (kind === 'credential-resolved') {
    return { ...common, title: `${observation.app}: ${TITLE[kind]}`, summary: `The client secret of app ${observation.app} is outside the expiry window now (rotated).`, facts };
  }
  return { ...common, title: `${observation.app}: ${kind === 'reminder' ? 'client secret still expiring' : TITLE[kind]} (${observation.daysLeft} day(s) left)`, summary: w?.message ?? '', code: w?.code, ...(w?.remedy ? { remedy: w.remedy } : {}), facts };
}
