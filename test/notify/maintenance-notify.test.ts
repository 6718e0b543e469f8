/**
 * Maintenance windows and notifications (issue 20), through the wire: the engine checks the
 * simulated tenant, the notifier keeps incidents in Azurite and sends to local HTTPS receivers and
 * by e-mail through the simulated Graph. During a window nothing is delivered; the first run after
 * it, with the mailbox still failing, notifies once (also when two instances run it at once); a
 * mailbox outside any window notifies at once (the failing twin).
 */
import { ClientSecretCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import type { ConfigInput } from '../../shared/config/schema';
import { SecretReader } from '../../shared/credentials/secret-reader';
import { GraphClient } from '../../shared/entra/graph-client';
import { channelsFromConfig } from '../../shared/notify/channels-from-config';
import { IncidentStore } from '../../shared/notify/incident-store';
import { observe } from '../../shared/notify/incidents';
import { NotifierSink } from '../../shared/notify/notifier-sink';
import type { RunContext } from '../../shared/report/sink';
import type { SimTenant } from '../../sim/tenant';
import { runAgainst, startTenant } from '../e2e/sim-harness';
import { entraConfig, entraScenario, MONITOR, TENANT } from '../entra/entra-fixture';
import { startAzurite, type Azurite } from '../storage/azurite';
import { notifyBlock } from './notify-block';
import { startReceiver, type Receiver } from './receivers';

let azurite: Azurite;
let tenant: SimTenant;
let hook: Receiver, teams: Receiver, slack: Receiver;
let tableN = 0;

/** hr without its FullAccess grant: IMAP_AUTH_FAILED on every run. */
function failingHr() {
  const s = entraScenario({ inUseEndsInDays: 200 });
  s.vault.secrets.push({ name: 'hook-url', value: hook.url }, { name: 'hook-signing', value: 'whsec-maintenance' }, { name: 'teams-url', value: teams.url }, { name: 'slack-url', value: slack.url });
  s.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!.fullAccess = [];
  return s;
}

beforeAll(async () => {
  [azurite, hook, teams, slack] = await Promise.all([startAzurite(), startReceiver(), startReceiver(), startReceiver()]);
  tenant = await startTenant(entraScenario());
  tenant.scenario = failingHr();
}, 60_000);
afterAll(async () => {
  await Promise.all([tenant?.stop(), azurite?.stop(), hook?.stop(), teams?.stop(), slack?.stop()]);
});
beforeEach(() => {
  for (const r of [hook, teams, slack]) r.received.length = 0;
  tenant.graph.stats.sentMail.length = 0;
});

const credential = () => new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });
const run = (): RunContext => ({ runId: `run-${Math.random().toString(36).slice(2)}`, trigger: 'timer', location: 'test', host: 'test', version: '0.0.0' });
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** hr's config: a window from `start` to `end` minutes from now, or none. */
function config(window?: [number, number]): ConfigInput {
  const base = entraConfig(tenant, { notify: notifyBlock('monitor@contoso.com') as NonNullable<ConfigInput['notify']> });
  if (!window) return base;
  return { ...base, mailboxes: base.mailboxes.map((m) => (m.id === 'hr' ? { ...m, maintenance: [{ start: minutes(window[0]), end: minutes(window[1]), reason: 'moving hr to the new grant' }] } : m)) };
}

function notifier(table: string): NotifierSink {
  const parsed = parseConfig(config(), 'test config');
  const cred = credential();
  const notify = parsed.notify!;
  return new NotifierSink({
    store: IncidentStore.fromAccount({ kind: 'connectionString', connectionString: azurite.connectionString }, table),
    channels: channelsFromConfig(notify, new SecretReader({ authorityHost: tenant.entra.url, timeoutMs: 5000, credential: cred }, process.env, false), parsed.keyVaultUrl, new GraphClient({ url: tenant.graph.url, resource: 'https://graph.microsoft.com', credential: cred, timeoutMs: 5000 })),
    policy: { timeoutMs: notify.timeoutMs, retries: notify.retries, backoffMs: 50 },
    repeatHours: 24,
    thresholds: notify.expiryThresholdsDays,
  });
}

/** One timer run: check, then notify as the notifier sink does. */
async function runOnce(sinks: NotifierSink[], cfg: ConfigInput) {
  const { report } = await runAgainst(cfg, { vaultCredential: credential() });
  const outcomes = await Promise.all(sinks.map((sink) => sink.notify(observe(report.results), run())));
  return { report, sent: outcomes.flatMap((o) => o.sent.map((s) => `${s.notification.incident}:${s.notification.kind}`)).sort(), errors: outcomes.flatMap((o) => o.errors) };
}

/** Deliveries that reached the receivers and the simulated Graph's sendMail. */
const deliveries = () => [hook.received.length, teams.received.length, slack.received.length, tenant.graph.stats.sentMail.length];

describe('maintenance windows suppress notifications', () => {
  jest.setTimeout(60_000);

  it('in a window: the failing mailbox is checked and recorded with its window, and nothing reaches any channel', async () => {
    const sink = notifier(`maint${++tableN}x${Date.now()}`);
    for (let i = 0; i < 2; i++) {
      const { report, sent, errors } = await runOnce([sink], config([-30, 30]));
      const hr = report.results.find((r) => r.mailbox === 'hr')!;
      expect(hr).toMatchObject({ status: 'failed', failure: { code: 'IMAP_AUTH_FAILED' }, maintenance: { reason: 'moving hr to the new grant', endsAt: expect.any(String) } });
      expect(Date.parse(hr.maintenance!.endsAt) - Date.now()).toBeGreaterThan(25 * 60_000);
      // The mailboxes outside the window carry no maintenance key at all.
      expect(report.results.filter((r) => r.mailbox !== 'hr').every((r) => !('maintenance' in r))).toBe(true);
      expect([sent, errors]).toEqual([[], []]);
    }
    expect(deliveries()).toEqual([0, 0, 0, 0]);
    // Nothing was written for hr: the incident is as it was before the window (none).
    expect(await sink.options.store.read('mailbox:hr')).toBeUndefined();
  });

  it('the window ends with the mailbox still failing: the first run after it notifies once on every channel, the next ones not again', async () => {
    const table = `maint${++tableN}x${Date.now()}`;
    const sink = notifier(table);
    expect((await runOnce([sink], config([-30, 30]))).sent).toEqual([]);
    // The window is over (it ended a minute ago); two instances run the first check after it at once.
    const after = await runOnce([sink, notifier(table)], config([-60, -1]));
    expect(after.report.results.find((r) => r.mailbox === 'hr')!.maintenance).toBeUndefined();
    expect(after.sent).toEqual(['mailbox:hr:failing']);
    expect(deliveries()).toEqual([1, 1, 1, 1]);
    expect(JSON.parse(hook.received[0]!.body)).toMatchObject({ kind: 'failing', code: 'IMAP_AUTH_FAILED' });
    expect((await runOnce([sink], config([-60, -1]))).sent).toEqual([]);
    expect((await runOnce([sink], config())).sent).toEqual([]);
    expect(deliveries()).toEqual([1, 1, 1, 1]);
    expect((await sink.options.store.read('mailbox:hr'))!.state).toMatchObject({ state: 'open', code: 'IMAP_AUTH_FAILED', notifications: 1 });
  });

  it('failing twin: the same failing mailbox outside any window notifies on its first run', async () => {
    const sink = notifier(`maint${++tableN}x${Date.now()}`);
    const { report, sent } = await runOnce([sink], config());
    expect(report.results.find((r) => r.mailbox === 'hr')!.maintenance).toBeUndefined();
    expect(sent).toEqual(['mailbox:hr:failing']);
    expect(deliveries()).toEqual([1, 1, 1, 1]);
  });

  it('failing twin: a window that has not begun yet suppresses nothing', async () => {
    const sink = notifier(`maint${++tableN}x${Date.now()}`);
    expect((await runOnce([sink], config([30, 90]))).sent).toEqual(['mailbox:hr:failing']);
    expect(deliveries()).toEqual([1, 1, 1, 1]);
  });
});
