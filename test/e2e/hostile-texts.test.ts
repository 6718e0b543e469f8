/**
 * Issue 16's property: a text from outside is bounded, inert and never secret on every surface.
 * Hostile texts enter through every field this setup can drive — an IMAP server's refusal, an app
 * registration's display name in Microsoft Graph, a webhook receiver's error body that quotes the
 * secret URL it was called on — each carrying terminal escapes (clear screen, window title, OSC 8
 * hyperlink), C1 controls, bidi overrides, markdown links and 100 KB+ of filler. Then every output
 * is checked against its rule:
 *
 * - human (the CLI table and its stderr, the status page, Teams, Slack, e-mail, the Functions log):
 *   bounded, no raw C0/C1/bidi character, no secret;
 * - machine (the JSON report of the CLI and of `/api/check`, the signed webhook, the mailbox-state
 *   rows in Table Storage, the Application Insights envelopes): bounded, no secret, and the JSON
 *   report keeps the exact (clipped) text: its escape characters are there.
 *
 * Built on the leak search's harness (test/e2e/leak-search.test.ts: the simulated tenant, Azurite,
 * the ingestion capture, local receivers, the timer as the host calls it), and with the rules
 * switched off (clip and inert made identities) the same checks find the violations.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import { checkTimer } from '../../functions/check-timer';
import { statusHttp } from '../../functions/status-http';
import type { ConfigInput } from '../../shared/config/schema';
import type { RunReport } from '../../shared/contract/result';
import * as outside from '../../shared/diagnosis/outside-text';
import { hasUnsafeCharacters } from '../../shared/diagnosis/outside-text';
import { slackPayload } from '../../shared/notify/channels/slack';
import { adaptiveCard } from '../../shared/notify/channels/teams';
import { IncidentStore } from '../../shared/notify/incident-store';
import { stateStoreFromSettings } from '../../shared/report/state-sink';
import { storageAccount } from '../../shared/storage/storage-account';
import { renderTable } from '../../shared/report/table';
import { resetTokenClients } from '../../shared/token/token-provider';
import { trustedSimCa } from '../../sim/ca';
import { startIngestionServer, type IngestionServer } from '../../sim/ingestion-server';
import type { SimTenant } from '../../sim/tenant';
import { entraConfig, entraScenario, ARCHIVER, IMPORTER, MONITOR, TENANT } from '../entra/entra-fixture';
import { notifyBlock } from '../notify/notify-block';
import { startReceiver, type Receiver } from '../notify/receivers';
import { reportingEnv } from '../report/telemetry-fixture';
import { startAzurite, type Azurite } from '../storage/azurite';
import { runCli } from './cli-process';
import { runAgainst, startTenant } from './sim-harness';

const ESCAPES = '\u001b[2J\u001b[H\u001b]0;pwned\u0007\u001b]8;;https://evil.example/\u001b\\Sign in\u001b]8;;\u001b\\ \u009b31m';
const BIDI = 'invoice\u202egpj.exe\u2066x\u2069';
const MARKDOWN = '[Sign in again](https://evil.example/login) <!channel>';
const HOSTILE = `${ESCAPES} ${BIDI} ${MARKDOWN}`;
const FILLER = 'lorem ipsum '.repeat(10_000); // 120 KB
/** A run of filler no clipped text can hold (clips are ~300 characters). */
const UNBOUNDED = 'lorem ipsum '.repeat(80);
const SIGNING_SECRET = 'whsec-hostile-texts-signing-secret';
const MAIL_FROM = 'monitor@contoso.com';

let tenant: SimTenant;
let azurite: Azurite;
let ingestion: IngestionServer;
let hook: Receiver, teams: Receiver, slack: Receiver;
const saved = { ...process.env };

beforeAll(async () => {
  [azurite, ingestion, hook, teams, slack] = await Promise.all([startAzurite(), startIngestionServer(trustedSimCa()), startReceiver(), startReceiver(), startReceiver('error')]);
  // Slack's receiver refuses like a hostile proxy: the path it was called on (the URL's key), escapes, filler.
  slack.answer = (path) => `Cannot POST ${path} ${HOSTILE} ${FILLER}`;
  tenant = await startTenant(hostileScenario());
}, 60_000);
afterAll(async () => {
  process.env = saved;
  await Promise.all([tenant?.stop(), azurite?.stop(), ingestion?.stop(), hook?.stop(), teams?.stop(), slack?.stop()]);
});

/** The Entra fixture's tenant, with hostile texts in the IMAP server's refusal and in Graph's display name. */
function hostileScenario() {
  const s = entraScenario({ inUseEndsInDays: 10 });
  s.vault.secrets.push({ name: 'hook-url', value: hook.url }, { name: 'hook-signing', value: SIGNING_SECRET }, { name: 'teams-url', value: teams.url }, { name: 'slack-url', value: slack.url });
  s.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!.loginFault = { kind: 'say', text: `AUTHENTICATE failed. ${HOSTILE} ${FILLER}` };
  s.graph = { rewriteApplication: (app) => (app.displayName === 'Importer' ? { ...app, displayName: `Importer ${HOSTILE} ${FILLER.repeat(8)}` } : app) };
  return s;
}

function config(): ConfigInput {
  return entraConfig(tenant, { notify: notifyBlock(MAIL_FROM) } as Partial<ConfigInput>);
}

/** Every value that must never appear: the webhook URLs and their keys, the secrets, every token issued. */
const secrets = () => [
  ...[hook, teams, slack].flatMap((r) => [r.url, new URL(r.url).pathname]),
  'sig-token-3f9a',
  IMPORTER.secret,
  ARCHIVER.secret,
  MONITOR.secret,
  SIGNING_SECRET,
  tenant.identityEnv.IDENTITY_HEADER!,
  ...tenant.entra.stats.issuedTokens,
  ...tenant.identity.stats.issuedTokens,
];

/** Every string inside a JSON text (what a JSON consumer reads), or the text itself when it is not JSON. */
function strings(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [text];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

type Kind = 'human' | 'machine';
/** The rule of each output: what breaks it, one line per violation. */
function violations(outputs: Record<string, { kind: Kind; texts: string[] }>): string[] {
  const found: string[] = [];
  for (const [name, { kind, texts }] of Object.entries(outputs)) {
    for (const text of texts) {
      if (text.length > 600_000) found.push(`${name}: ${text.length} characters`);
      if (text.includes(UNBOUNDED)) found.push(`${name}: an unclipped outside text`);
      for (const s of secrets()) if (text.includes(s) || strings(text).some((t) => t.includes(s))) found.push(`${name}: secret ${s.slice(0, 16)}…`);
      if (kind === 'human' && strings(text).some(hasUnsafeCharacters)) found.push(`${name}: a raw control or bidi character`);
    }
  }
  return [...new Set(found)];
}

const timer = (invocationId: string, log: string[]) =>
  checkTimer(
    { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } },
    new InvocationContext({ invocationId, functionName: 'checkTimer', logHandler: (level, ...args) => log.push(`${level} ${args.join(' ')}`) }),
  );
const http = (handler: typeof checkHttp, path: string) => handler(new HttpRequest({ method: 'GET', url: `https://fn.example${path}` }), new InvocationContext({ invocationId: 'h', functionName: 'http', logHandler: () => undefined }));
const bodyText = (r: HttpResponseInit) => (typeof r.body === 'string' ? r.body : JSON.stringify(r.jsonBody));

describe('#16 texts from outside: bounded, inert, never secret, on every surface', () => {
  test('#16 hostile IMAP replies, Graph names and receiver bodies through the CLI, /api/check, the status page, every channel, Table rows, telemetry and logs', async () => {
    const log: string[] = [];
    process.env = { ...saved, ...tenant.identityEnv, ...reportingEnv(ingestion.connectionString), ...azurite.env, MAILBOX_HEALTH_CONFIG: JSON.stringify(config()) };
    resetTokenClients();
    // Run 1 notifies (Slack refuses with its hostile body); run 2 reports that as NOTIFY_CHANNEL_FAILED.
    await timer('hostile-1', log);
    await timer('hostile-2', log);
    const api = await http(checkHttp, '/api/check');
    const page = await http(statusHttp as unknown as typeof checkHttp, '/api/status');
    const rows = await stateStoreFromSettings(process.env).list();
    const incidents = IncidentStore.fromAccount(storageAccount(process.env));
    const incidentRows = [...(await incidents.list()), ...(await incidents.failingChannels())];
    process.env = saved;

    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    const file = join(dir, 'mailboxes.json');
    writeFileSync(file, JSON.stringify(config()));
    const cliTable = await runCli(['check', '--config', file], { ...tenant.identityEnv, ...azurite.env });
    const cliJson = await runCli(['check', '--config', file, '--json'], { ...tenant.identityEnv, ...azurite.env });

    // The hostile texts did arrive: the checks below see them, clipped and inert.
    const report = JSON.parse(cliJson.stdout) as RunReport;
    const hr = report.results.find((r) => r.mailbox === 'hr')!;
    expect(hr.failure?.code).toBe('IMAP_AUTH_FAILED');
    expect(hr.failure!.message).toContain('\u001b[2J'); // JSON: the exact text…
    expect(hr.failure!.message.length).toBeLessThan(700); // …clipped where it entered
    expect(report.results.find((r) => r.mailbox === 'invoices')!.warnings.find((w) => w.code === 'CREDENTIAL_EXPIRING')!.message).toContain(`of app Importer ${ESCAPES}`);
    expect((JSON.parse(bodyText(api)) as RunReport).warnings?.map((w) => w.code)).toContain('NOTIFY_CHANNEL_FAILED');
    expect(cliTable.stdout).toContain('NOTIFY_CHANNEL_FAILED');
    expect(cliTable.stdout).toContain('Cannot POST [redacted]');
    expect(cliTable.stdout).toContain('\\x1b[2J');
    expect(log.join('\n')).toContain('\\x1b[2J'); // the Functions log got the hostile text, written out
    expect(slack.received.length).toBeGreaterThan(0);
    expect(page.status).toBe(200);
    expect(rows.length).toBe(3);
    expect(JSON.stringify(incidentRows)).toContain('Cannot POST [redacted]');

    const outputs: Record<string, { kind: Kind; texts: string[] }> = {
      'cli table': { kind: 'human', texts: [cliTable.stdout, cliTable.stderr, cliJson.stderr] },
      'status page': { kind: 'human', texts: [bodyText(page)] },
      teams: { kind: 'human', texts: teams.received.map((r) => r.body) },
      slack: { kind: 'human', texts: slack.received.map((r) => r.body) },
      'e-mail': { kind: 'human', texts: tenant.graph.stats.sentMail.map((m) => JSON.stringify({ subject: m.body.message.subject, content: m.body.message.body.content })) },
      'cli json': { kind: 'machine', texts: [cliJson.stdout] },
      '/api/check': { kind: 'machine', texts: [bodyText(api)] },
      webhook: { kind: 'machine', texts: hook.received.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`) },
      'table rows': { kind: 'machine', texts: [JSON.stringify(rows), JSON.stringify(incidentRows)] },
      telemetry: { kind: 'machine', texts: [JSON.stringify(ingestion.envelopes)] },
      'functions log': { kind: 'human', texts: log },
    };
    for (const [name, { texts }] of Object.entries(outputs)) expect([name, texts.length > 0]).toEqual([name, true]);
    expect(violations(outputs)).toEqual([]);
    // The webhook is JSON for machines: the exact texts, escapes included.
    expect(hook.received.some((r) => strings(r.body).some(hasUnsafeCharacters))).toBe(true);
  }, 120_000);

  test('#16 (twin) with the rule switched off (no clip, no inert) the same checks find unbounded texts and raw escapes', async () => {
    const clip = jest.spyOn(outside, 'clipText').mockImplementation((text: string) => text);
    const inert = jest.spyOn(outside, 'inertStrings').mockImplementation(<T>(value: T) => value);
    try {
      tenant.scenario = hostileScenario();
      resetTokenClients();
      const { report } = await runAgainst(entraConfig(tenant), { vaultCredential: new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true }) });
      const hr = report.results.find((r) => r.mailbox === 'hr')!;
      const note = { kind: 'failing' as const, incident: 'mailbox:hr', severity: 'critical' as const, title: 'hr is failing', summary: hr.failure!.message, facts: [], at: '', runId: 'r' };
      const found = violations({ table: { kind: 'human', texts: [renderTable(report)] }, teams: { kind: 'human', texts: [JSON.stringify(adaptiveCard(note))] }, slack: { kind: 'human', texts: [JSON.stringify(slackPayload(note))] } });
      expect(found).toEqual(expect.arrayContaining(['table: an unclipped outside text', 'table: a raw control or bidi character', 'teams: a raw control or bidi character', 'slack: a raw control or bidi character']));
    } finally {
      clip.mockRestore();
      inert.mockRestore();
    }
  }, 60_000);
});
