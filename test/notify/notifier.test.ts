/**
 * The change-only notifier through the wire: the engine checks the simulated tenant's mailboxes,
 * the notifier keeps incidents in Azurite's Table Storage and sends to local HTTPS receivers (a
 * generic webhook, a Teams Workflows webhook, a Slack incoming webhook) and by e-mail through the
 * simulated Graph's sendMail, with webhook URLs read from the simulated Key Vault.
 */
import { ClientSecretCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import type { ConfigInput } from '../../shared/config/schema';
import { SecretReader } from '../../shared/credentials/secret-reader';
import { GraphClient } from '../../shared/entra/graph-client';
import { channelsFromConfig } from '../../shared/notify/channels-from-config';
import { IncidentStore } from '../../shared/notify/incident-store';
import { observe } from '../../shared/notify/incidents';
import { channelWarnings, NotifierSink } from '../../shared/notify/notifier-sink';
import { signWebhook, verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../shared/notify/channels/webhook';
import { planRun } from '../../shared/run/plan';
import type { RunContext } from '../../shared/report/sink';

// The RunContext a Functions invocation hands its sinks (sink.ts's newRunContext reads package.json from dist/).
const newRunContext = (trigger: RunContext['trigger']): RunContext => ({ runId: `run-${Math.random().toString(36).slice(2)}`, trigger, location: 'test', host: 'test', version: '0.0.0' });
import type { Scenario } from '../../sim/scenario';
import type { SimTenant } from '../../sim/tenant';
import { runAgainst, startTenant } from '../e2e/sim-harness';
import { startAzurite, type Azurite } from '../storage/azurite';
import { entraConfig, entraScenario, IMPORTER, MONITOR, TENANT } from '../entra/entra-fixture';
import { startReceiver, type Receiver } from './receivers';
import { validateAdaptiveCard, validateSlackPayload } from './payload-shapes';

const SIGNING_SECRET = 'whsec-test-signing-secret';
let azurite: Azurite;
let tenant: SimTenant;
let hook: Receiver, teams: Receiver, slack: Receiver, broken: Receiver, hung: Receiver;
let tableN = 0;

function scenarioWith(options: Parameters<typeof entraScenario>[0] & { legalAccess?: boolean } = {}): Scenario {
  const s = entraScenario({ inUseEndsInDays: 200, ...options });
  s.vault.secrets.push(
    { name: 'hook-url', value: hook.url },
    { name: 'hook-signing', value: SIGNING_SECRET },
    { name: 'teams-url', value: teams.url },
    { name: 'slack-url', value: slack.url },
    { name: 'broken-url', value: broken.url },
    { name: 'hung-url', value: hung.url },
  );
  // 'hr' loses its FullAccess grant when legalAccess is false: IMAP_AUTH_FAILED.
  if (options.legalAccess === false) s.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!.fullAccess = [];
  return s;
}

beforeAll(async () => {
  [azurite, hook, teams, slack, broken, hung] = await Promise.all([startAzurite(), startReceiver(), startReceiver(), startReceiver(), startReceiver('error'), startReceiver('hang')]);
  tenant = await startTenant(entraScenario());
}, 60000);
afterAll(async () => {
  await Promise.all([tenant?.stop(), azurite?.stop(), hook?.stop(), teams?.stop(), slack?.stop(), broken?.stop(), hung?.stop()]);
});
beforeEach(() => {
  for (const r of [hook, teams, slack, broken, hung]) r.received.length = 0;
  tenant.graph.stats.sentMail.length = 0;
});

const credential = () => new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });

function notifyConfig(channels: 'good' | 'with-broken' | 'only-broken'): ConfigInput {
  const good = [
    { type: 'webhook', id: 'ops-hook', url: { keyVaultSecret: 'hook-url' }, signingSecret: { keyVaultSecret: 'hook-signing' } },
    { type: 'teams', id: 'ops-teams', url: { keyVaultSecret: 'teams-url' } },
    { type: 'slack', id: 'ops-slack', url: { keyVaultSecret: 'slack-url' } },
    { type: 'email', id: 'ops-mail', from: 'monitor@contoso.com', to: ['oncall@contoso.com'] },
  ];
  if (channels === 'only-broken') return { ...entraConfig(tenant), notify: { channels: [{ type: 'slack', id: 'broken', url: { keyVaultSecret: 'broken-url' } }], timeoutMs: 1500, retries: 0 } as NonNullable<ConfigInput['notify']> };
  const extra = channels === 'with-broken' ? [{ type: 'slack', id: 'broken', url: { keyVaultSecret: 'broken-url' } }, { type: 'teams', id: 'hung', url: { keyVaultSecret: 'hung-url' } }] : [];
  return { ...entraConfig(tenant), notify: { channels: [...good, ...extra], timeoutMs: 1500, retries: 1 } as NonNullable<ConfigInput['notify']> };
}

/** A notifier as one Functions instance would build it; `table` is the shared Storage. */
function notifier(config: ConfigInput, table: string, now?: () => Date): NotifierSink {
  const parsed = parseConfig(config, 'test config');
  const cred = credential();
  const secrets = new SecretReader({ authorityHost: tenant.entra.url, timeoutMs: 5000, credential: cred }, process.env, false);
  const graph = new GraphClient({ url: tenant.graph.url, resource: 'https://graph.microsoft.com', credential: cred, timeoutMs: 5000 });
  const notify = parsed.notify!;
  return new NotifierSink({
    store: IncidentStore.fromAccount({ kind: 'connectionString', connectionString: azurite.connectionString }, table),
    channels: channelsFromConfig(notify, secrets, parsed.keyVaultUrl, graph),
    policy: { timeoutMs: notify.timeoutMs, retries: notify.retries, backoffMs: 50 },
    repeatHours: notify.repeatHours ?? 24,
    thresholds: notify.expiryThresholdsDays,
    ...(now ? { now } : {}),
  });
}

async function runOnce(sink: NotifierSink, config: ConfigInput) {
  const { report } = await runAgainst(config, { vaultCredential: credential() });
  const run = newRunContext('timer');
  return sink.notify(observe(report.results, (sink.options.now?.() ?? new Date()).getTime()), run);
}

const table = () => `incidents${++tableN}x${Date.now()}`;
const kinds = (outcome: Awaited<ReturnType<NotifierSink['notify']>>) => outcome.sent.map((s) => `${s.notification.incident}:${s.notification.kind}`).sort();

describe('one notification per change, on every channel', () => {
  test('failing, unchanged (nothing), restart (nothing), recovery, re-notification after the interval', async () => {
    const t = table();
    const config = notifyConfig('good');
    tenant.scenario = scenarioWith({ legalAccess: false });
    let clock = new Date();
    const first = await runOnce(notifier(config, t, () => clock), config);
    expect(kinds(first)).toEqual(['mailbox:hr:failing']);
    expect(first.sent[0]!.deliveries.map((d) => [d.channel, d.ok])).toEqual([['ops-hook', true], ['ops-teams', true], ['ops-slack', true], ['ops-mail', true]]);
    expect([hook.received.length, teams.received.length, slack.received.length, tenant.graph.stats.sentMail.length]).toEqual([1, 1, 1, 1]);
    const sent = JSON.parse(hook.received[0]!.body) as { kind: string; code: string; remedy: string; title: string };
    expect(sent).toMatchObject({ type: 'mailbox-health.notification', version: 1, kind: 'failing', code: 'IMAP_AUTH_FAILED' });
    expect(sent.remedy).toContain("Add-MailboxPermission -Identity 'hr@contoso.com'");
    const mail = tenant.graph.stats.sentMail[0]!;
    expect(mail.sender).toBe('monitor@contoso.com');
    expect(mail.body.message.subject).toBe('[mailbox-health] hr is failing: IMAP_AUTH_FAILED');
    expect(mail.body.message.toRecipients).toEqual([{ emailAddress: { address: 'oncall@contoso.com' } }]);
    // No secret, token or webhook URL in anything sent.
    const everything = [hook, teams, slack].flatMap((r) => r.received.map((x) => x.body)).join('\n') + JSON.stringify(mail);
    for (const secret of [IMPORTER.secret, 'sig-token-3f9a', SIGNING_SECRET, 'eyJ']) expect(everything).not.toContain(secret);

    // The same state again, from the same instance and then from a new one (a restart): nothing.
    clock = new Date(clock.getTime() + 5 * 60_000);
    expect(kinds(await runOnce(notifier(config, t, () => clock), config))).toEqual([]);
    expect(kinds(await runOnce(notifier(config, t, () => clock), config))).toEqual([]);
    expect(hook.received).toHaveLength(1);

    // 25 hours later, still failing: one reminder.
    clock = new Date(clock.getTime() + 25 * 3_600_000);
    expect(kinds(await runOnce(notifier(config, t, () => clock), config))).toEqual(['mailbox:hr:reminder']);
    expect(kinds(await runOnce(notifier(config, t, () => clock), config))).toEqual([]);

    // Permission granted again: one recovery.
    tenant.scenario = scenarioWith();
    const recovered = await runOnce(notifier(config, t, () => clock), config);
    expect(kinds(recovered)).toEqual(['mailbox:hr:recovered']);
    expect(recovered.sent[0]!.notification.severity).toBe('good');
    expect(kinds(await runOnce(notifier(config, t, () => clock), config))).toEqual([]);
    expect(hook.received).toHaveLength(3);
  });

  test('a changed failure code is a new notification', async () => {
    const t = table();
    const config = notifyConfig('good');
    tenant.scenario = scenarioWith({ legalAccess: false });
    expect(kinds(await runOnce(notifier(config, t), config))).toEqual(['mailbox:hr:failing']);
    const s = scenarioWith();
    s.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!.imapEnabled = false;
    tenant.scenario = s;
    const changed = await runOnce(notifier(config, t), config);
    expect(kinds(changed)).toEqual(['mailbox:hr:changed']);
    expect(changed.sent[0]!.notification.code).toBe('IMAP_NOT_CONNECTED');
  });

  test('two instances seeing the same change at once send one notification', async () => {
    const t = table();
    const config = notifyConfig('good');
    tenant.scenario = scenarioWith({ legalAccess: false });
    const { report } = await runAgainst(config, { vaultCredential: credential() });
    const [a, b] = [notifier(config, t), notifier(config, t)];
    const plan = planRun(parseConfig(config, 'test'));
    await Promise.all([a.report(report, plan, newRunContext('timer')), b.report(report, plan, newRunContext('queue'))]);
    await Promise.all([a.flush(5000), b.flush(5000)]);
    expect(hook.received).toHaveLength(1);
    expect(tenant.graph.stats.sentMail).toHaveLength(1);
  });
});

describe('credential incidents', () => {
  test('entering the window, each lower threshold, nothing in between, and the rotation', async () => {
    const t = table();
    const config = notifyConfig('good');
    tenant.scenario = scenarioWith({ inUseEndsInDays: 20 });
    const entering = await runOnce(notifier(config, t), config);
    expect(kinds(entering)).toEqual(['credential:importer:credential-expiring']);
    expect(entering.sent[0]!.notification.title).toMatch(/^importer: client secret expires soon \(19|20 day/);
    expect(entering.sent[0]!.notification.remedy).toContain(`az ad app credential reset --id ${IMPORTER.clientId}`);
    tenant.scenario = scenarioWith({ inUseEndsInDays: 16 });
    expect(kinds(await runOnce(notifier(config, t), config))).toEqual([]);
    tenant.scenario = scenarioWith({ inUseEndsInDays: 12 });
    expect(kinds(await runOnce(notifier(config, t), config))).toEqual(['credential:importer:credential-expiring']);
    tenant.scenario = scenarioWith({ inUseEndsInDays: 200 });
    expect(kinds(await runOnce(notifier(config, t), config))).toEqual(['credential:importer:credential-resolved']);
  });
});

describe('failing channels', () => {
  test('a channel answering 500 and one that hangs are retried once each, cost at most their timeouts, and are reported', async () => {
    const t = table();
    const config = notifyConfig('with-broken');
    tenant.scenario = scenarioWith({ legalAccess: false });
    const sink = notifier(config, t);
    const started = Date.now();
    const outcome = await runOnce(sink, config);
    const elapsed = Date.now() - started;
    const deliveries = Object.fromEntries(outcome.sent[0]!.deliveries.map((d) => [d.channel, d]));
    expect(deliveries['ops-hook']!.ok && deliveries['ops-teams']!.ok && deliveries['ops-slack']!.ok && deliveries['ops-mail']!.ok).toBe(true);
    expect([deliveries.broken!.ok, deliveries.broken!.attempts, deliveries.hung!.ok, deliveries.hung!.attempts]).toEqual([false, 2, false, 2]);
    expect(deliveries.broken!.error).toContain('answered 500');
    expect(deliveries.hung!.error).toContain('no answer within 1500 ms');
    expect(deliveries.hung!.error).not.toContain('sig-token');
    // Two attempts of 1500 ms plus a 50 ms pause, not the run's or the socket's default timeout.
    expect(deliveries.hung!.durationMs).toBeGreaterThanOrEqual(3000);
    expect(deliveries.hung!.durationMs).toBeLessThan(5000);
    expect(elapsed).toBeLessThan(15000);
    // Each attempt reached the receiver (on a loaded machine a request may be cut before it is read whole).
    expect(broken.received.length + hung.received.length).toBeGreaterThanOrEqual(2);
    const warnings = await channelWarnings(sink.options.store);
    expect(warnings.map((w) => [w.code, w.channel]).sort()).toEqual([['NOTIFY_CHANNEL_FAILED', 'broken'], ['NOTIFY_CHANNEL_FAILED', 'hung']]);
  });
});

describe('a change no channel took', () => {
  test('is given back and sent again by the next run; once one channel has it, it is not repeated', async () => {
    const t = table();
    tenant.scenario = scenarioWith({ legalAccess: false });
    const first = await runOnce(notifier(notifyConfig('only-broken'), t), notifyConfig('only-broken'));
    expect(first.sent.map((s) => [s.notification.kind, s.deliveries.every((d) => !d.ok)])).toEqual([['failing', true]]);
    // Every channel failed: the next run (another instance, same Storage) tries the same change again.
    const again = await runOnce(notifier(notifyConfig('only-broken'), t), notifyConfig('only-broken'));
    expect(kinds(again)).toEqual(kinds(first));
    // The channels are mended: the change arrives once, and then nothing more while it is unchanged.
    const delivered = await runOnce(notifier(notifyConfig('good'), t), notifyConfig('good'));
    expect(kinds(delivered)).toEqual(kinds(first));
    expect(delivered.sent[0]!.deliveries.every((d) => d.ok)).toBe(true);
    expect(hook.received).toHaveLength(1);
    expect(kinds(await runOnce(notifier(notifyConfig('good'), t), notifyConfig('good')))).toEqual([]);
  });
});

describe('payloads', () => {
  test('the webhook HMAC verifies with the signing secret, and fails with another secret or a changed body', async () => {
    tenant.scenario = scenarioWith({ legalAccess: false });
    await runOnce(notifier(notifyConfig('good'), table()), notifyConfig('good'));
    const r = hook.received[0]!;
    const headers = { signature: r.headers[SIGNATURE_HEADER] as string, timestamp: r.headers[TIMESTAMP_HEADER] as string };
    expect(headers.signature).toBe(signWebhook(r.body, headers.timestamp, SIGNING_SECRET));
    expect(verifyWebhookSignature(r.body, headers, SIGNING_SECRET)).toBe(true);
    expect(verifyWebhookSignature(r.body, headers, 'another-secret')).toBe(false);
    expect(verifyWebhookSignature(r.body.replace('hr', 'hq'), headers, SIGNING_SECRET)).toBe(false);
    expect(verifyWebhookSignature(r.body, headers, SIGNING_SECRET, 300, Date.now() + 3_600_000)).toBe(false);
  });

  test('Teams gets a Workflows message with a valid Adaptive Card 1.4; Slack gets valid Block Kit blocks', async () => {
    tenant.scenario = scenarioWith({ legalAccess: false });
    await runOnce(notifier(notifyConfig('good'), table()), notifyConfig('good'));
    const message = JSON.parse(teams.received[0]!.body) as { type: string; attachments: { contentType: string; content: Record<string, unknown> }[] };
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(message.attachments[0]!.content.version).toBe('1.4');
    expect(validateAdaptiveCard(message.attachments[0]!.content)).toEqual([]);
    const slackBody = JSON.parse(slack.received[0]!.body);
    expect(validateSlackPayload(slackBody)).toEqual([]);
    expect(slackBody.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
  });
});
