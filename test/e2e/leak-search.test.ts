/**
 * Issue 10, scope item 3: one test runs every scenario — the whole catalogue, and servers that
 * echo what they were sent (Entra repeating the client secret, Key Vault repeating the bearer
 * token, Exchange repeating the XOAUTH2 string, the identity endpoint repeating its header) —
 * and searches every output channel for every secret value, every access token issued and every
 * XOAUTH2 string, also inside anything base64 in the output. Zero hits; and with the redactor
 * broken on purpose the same search finds them, so the test can fail.
 *
 * Channels: the report (JSON), the table, the Functions log and Application Insights envelopes
 * (the timer handler called as the host calls it, a local ingestion endpoint), thrown messages,
 * the mailbox-state rows in Table Storage (Azurite), the CLI's stdout and stderr, and Dovecot's
 * log, and the notifications the timer run sends for its failing mailboxes (a signed generic
 * webhook, Teams and Slack, to local HTTPS receivers whose URLs, like real webhook URLs, carry a
 * token and are read from Key Vault; incidents kept in Azurite): bodies and headers; and e-mail,
 * sent through the simulated Microsoft Graph's sendMail with the monitor's managed identity: every
 * message as Graph received it (its Authorization header is Graph's to see, not an output).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { checkTimer } from '../../functions/check-timer';
import * as outsideText from '../../shared/diagnosis/outside-text';
import { Redactor } from '../../shared/diagnosis/redact';
import { renderTable } from '../../shared/report/table';
import { resetTokenClients } from '../../shared/token/token-provider';
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import { startIngestionServer, type IngestionServer } from '../../sim/ingestion-server';
import { GRAPH_RESOURCE } from '../../sim/scenario';
import type { SimTenant } from '../../sim/tenant';
import { startDovecot, type Dovecot } from '../dovecot/dovecot-harness';
import { reportingEnv } from '../report/telemetry-fixture';
import { stateStoreFromSettings } from '../../shared/report/state-sink';
import { startAzurite, type Azurite } from '../storage/azurite';
import { notifyBlock } from '../notify/notify-block';
import { startReceiver, type Receiver } from '../notify/receivers';
import { ENV_SECRET, MONITOR_SECRET, catalogueConfig, catalogueScenario, type Endpoints } from './catalogue';
import { certificateApps, certificateConfigApps, certificateConfigMailboxes, certificateMailboxes, certificateServicePrincipals, certificateVaultSecrets, privateKeyValues } from './certificate-catalogue';
import { runCli } from './cli-process';
import { closedPort } from './net-helpers';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
let ingestion: IngestionServer;
let dovecot: Dovecot;
let azurite: Azurite;
let endpoints: Endpoints;
let receivers: Receiver[] = [];
const SIGNING_SECRET = 'whsec-leak-search-signing-secret';
const saved = { ...process.env };
const ECHO_IDS = ['ok1', 'expiring', 'nogrant'];
const MAIL_FROM = 'ok1@catalogue.example';

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  // The certificate apps (issue 18) in the same tenant: their private keys are searched for too.
  tenant.scenario.apps.push(...certificateApps());
  tenant.scenario.vault.secrets.push(...certificateVaultSecrets());
  tenant.scenario.exchange.servicePrincipals.push(...certificateServicePrincipals());
  tenant.scenario.exchange.mailboxes.push(...certificateMailboxes());
  ingestion = await startIngestionServer(trustedSimCa());
  azurite = await startAzurite();
  receivers = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
  dovecot = await startDovecot({ exchange: () => tenant.scenario.exchange, publicKeyPem: tenant.key.publicKeyPem, tls: issueServerCert(trustedSimCa()) });
  endpoints = { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: await closedPort(), UNTRUSTED: 1, PLAIN: 1 } };
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await Promise.all([tenant?.stop(), ingestion?.stop(), dovecot?.stop(), azurite?.stop(), ...receivers.map((r) => r.stop())]);
});

/** Every value that must never appear: secrets, identity header, every token issued. */
function secretValues(): string[] {
  const scenario = catalogueScenario();
  return [
    ...scenario.apps.map((a) => a.secret),
    ...scenario.vault.secrets.map((s) => s.value),
    ENV_SECRET,
    MONITOR_SECRET,
    SIGNING_SECRET,
    ...receivers.map((r) => r.url),
    tenant.identityEnv.IDENTITY_HEADER,
    ...tenant.entra.stats.issuedTokens,
    ...tenant.identity.stats.issuedTokens,
    // Certificate credentials: every private key as PEM and as base64 DER (PKCS#8, PKCS#1).
    ...privateKeyValues(),
  ];
}

/** The text plus every base64 or base64url run in it, decoded (an XOAUTH2 string decodes to "user=…auth=Bearer <token>"). */
function withDecoded(text: string): string {
  const decoded = [...text.matchAll(/[A-Za-z0-9+/_-]{24,}={0,2}/g)].map((m) => Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
  return [text, ...decoded].join('\n');
}

/** Hits: [channel, what was found]. A JWT shape counts too, whoever issued it. */
function search(channels: Record<string, string[]>): string[] {
  const values = secretValues();
  const hits: string[] = [];
  for (const [channel, texts] of Object.entries(channels)) {
    const all = withDecoded(texts.join('\n'));
    for (const value of values) if (all.includes(value)) hits.push(`${channel}: ${value.slice(0, 12)}…`);
    if (/eyJ[\w-]{10,}\.[\w-]{10,}/.test(all)) hits.push(`${channel}: a JWT`);
    if (/auth=Bearer /.test(all)) hits.push(`${channel}: an XOAUTH2 string`);
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(all)) hits.push(`${channel}: a PEM private key block`);
  }
  return hits;
}

const echoConfig = () => catalogueConfig(endpoints, (id) => ECHO_IDS.includes(id));

/** The timer's config: the echoing mailboxes, the notify block, and the cloud's Graph (e-mail goes through it). */
function timerConfig(rename = (id: string) => id) {
  const config = echoConfig();
  return {
    ...config,
    cloud: { ...(config.cloud as object), graphUrl: tenant.graph.url, graphResource: GRAPH_RESOURCE },
    mailboxes: config.mailboxes.map((m) => ({ ...m, id: rename(m.id) })),
    notify: notifyBlock(MAIL_FROM),
  };
}

/** Each e-mail as Graph's sendMail received it: sender, subject, recipients, body. */
const sentMail = () => tenant.graph.stats.sentMail.map((m) => JSON.stringify(m));

/** The echoing servers, one run each, in this process: what the broken-redactor control reruns. */
async function echoRuns(channels: Record<string, string[]>): Promise<void> {
  const record = (name: string, text: string) => (channels[name] ??= []).push(text);
  const reportOf = async (run: () => Promise<{ report: import('../../shared/contract/result').RunReport }>) => {
    try {
      const { report } = await run();
      record('report', JSON.stringify(report));
      record('table', renderTable(report, false));
      return report;
    } catch (error) {
      record('thrown', String((error as Error)?.stack ?? error));
      return undefined;
    }
  };
  resetTokenClients();
  tenant.faults.set('entra', [{ fault: { kind: 'echo', status: 400 } }]);
  const entra = await reportOf(() => runAgainst(echoConfig()));
  expect(byId(entra!).ok1!.failure!.code).toBe('TOKEN_REQUEST_FAILED');
  tenant.faults.clear();

  tenant.faults.set('vault', [{ fault: { kind: 'echo', status: 403 } }]);
  const vault = await reportOf(() => runAgainst(echoConfig()));
  expect(byId(vault!).ok1!.failure!.code).toBe('SECRET_ACCESS_DENIED');
  tenant.faults.clear();

  for (const m of tenant.scenario.exchange.mailboxes) if (ECHO_IDS.some((id) => m.address.startsWith(`${id}@`))) m.loginFault = { kind: 'echo' };
  const imap = await reportOf(() => runAgainst(echoConfig()));
  expect(byId(imap!).ok1!.failure!.code).toBe('IMAP_AUTH_FAILED');
  for (const m of tenant.scenario.exchange.mailboxes) delete m.loginFault;
}

describe('#10 no secret leaves the monitor, whatever the servers echo', () => {
  it('#10 every scenario, every channel, every secret, token and XOAUTH2 string (also base64-decoded): zero hits; a broken redactor is caught', async () => {
    const channels: Record<string, string[]> = {};
    const record = (name: string, text: string) => (channels[name] ??= []).push(text);

    // 1. The whole catalogue (every failure and warning code) through the engine.
    const { report } = await runAgainst(catalogueConfig(endpoints), { env: { CATALOGUE_ENV_SECRET: ENV_SECRET } });
    record('report', JSON.stringify(report));
    record('table', renderTable(report, true));
    // 1b. The certificate apps: healthy, refused by Entra, refused before any request (no key, a password, expired).
    const certificates = await runAgainst({ ...catalogueConfig(endpoints, () => false), apps: certificateConfigApps(), mailboxes: certificateConfigMailboxes() } as never);
    expect(byId(certificates.report).certgood!.status).toBe('ok');
    expect(byId(certificates.report).certother!.failure!.code).toBe('TOKEN_INVALID_CERTIFICATE');
    record('report', JSON.stringify(certificates.report));
    record('table', renderTable(certificates.report, true));

    // 2. The echoing servers.
    await echoRuns(channels);

    // 3. The timer function, as the host calls it, reporting to Application Insights, while Entra echoes.
    //    With notifications: the webhook URLs and the signing secret are Key Vault secrets.
    const dir = mkdtempSync(join(tmpdir(), 'leak-'));
    const [hook, teams, slack] = receivers as [Receiver, Receiver, Receiver];
    tenant.scenario.vault.secrets.push({ name: 'hook-url', value: hook.url }, { name: 'hook-signing', value: SIGNING_SECRET }, { name: 'teams-url', value: teams.url }, { name: 'slack-url', value: slack.url });
    // The monitor's identity may send mail (Mail.Send), from a mailbox the tenant has.
    tenant.scenario.monitorIdentity.graphRoles = ['Mail.Send'];
    expect(tenant.scenario.exchange.mailboxes.some((m) => m.address === MAIL_FROM)).toBe(true);
    process.env = { ...saved, ...tenant.identityEnv, ...reportingEnv(ingestion.connectionString), ...azurite.env, MAILBOX_HEALTH_CONFIG: JSON.stringify(timerConfig()) };
    tenant.faults.set('entra', [{ fault: { kind: 'echo', status: 400 } }]);
    resetTokenClients();
    const context = new InvocationContext({ invocationId: 'leak', functionName: 'checkTimer', logHandler: (level, ...args) => record('functions log', `${level} ${args.join(' ')}`) });
    await checkTimer({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, context).catch((e: unknown) => record('thrown', String(e)));
    record('telemetry', JSON.stringify(ingestion.envelopes));
    expect(ingestion.envelopes.length).toBeGreaterThan(0);
    const rows = await stateStoreFromSettings(process.env).list();
    expect(rows.length).toBeGreaterThan(0);
    record('table rows', JSON.stringify(rows));
    for (const r of receivers) for (const got of r.received) record('notifications', `${JSON.stringify(got.headers)}\n${got.body}`);
    for (const mail of sentMail()) record('e-mail', mail);
    // Each channel got the failing mailboxes' notification (the echoing Entra fails them).
    for (const r of receivers) expect(r.received.length).toBeGreaterThan(0);
    expect(channels.notifications!.join('\n')).toContain('TOKEN_REQUEST_FAILED');
    expect(tenant.graph.stats.sentMail.length).toBeGreaterThan(0);
    expect(tenant.graph.stats.sentMail.every((m) => m.sender === MAIL_FROM)).toBe(true);
    expect(channels['e-mail']!.join('\n')).toContain('TOKEN_REQUEST_FAILED');

    // 4. The CLI as a separate process, table and JSON, against the same echoing Entra.
    const file = join(dir, 'echo.json');
    writeFileSync(file, JSON.stringify(echoConfig()));
    for (const args of [['check', '--config', file], ['check', '--config', file, '--json']]) {
      const cli = await runCli(args, tenant.identityEnv);
      expect(cli.code).toBe(2);
      record('cli stdout', cli.stdout);
      record('cli stderr', cli.stderr);
    }
    // A fresh process asks the identity endpoint (this one holds its token), which echoes its header.
    tenant.faults.clear();
    tenant.faults.set('identity', [{ fault: { kind: 'echo', status: 400 } }]);
    const mi = await runCli(['check', '--config', file, '--json'], tenant.identityEnv);
    expect(tenant.faults.faulted.identity).toBeGreaterThan(0);
    expect((JSON.parse(mi.stdout) as { results: { failure?: { phase: string } }[] }).results[0]!.failure?.phase).toBe('secret');
    record('cli stdout', mi.stdout);
    record('cli stderr', mi.stderr);
    tenant.faults.clear();
    process.env = saved;

    // 5. A real IMAP server: the catalogue's IMAP cases against Dovecot, then its log.
    const dovecotConfig = catalogueConfig({ ...endpoints, imapPort: dovecot.port }, (id) => ['ok1', 'nogrant', 'stale', 'forged', 'nofolder'].includes(id));
    record('report', JSON.stringify((await runAgainst(dovecotConfig)).report));
    record('dovecot log', dovecot.logs());

    const hits = search(channels);
    expect(hits).toEqual([]);
    expect(Object.keys(channels).sort()).toEqual(['cli stderr', 'cli stdout', 'dovecot log', 'e-mail', 'functions log', 'notifications', 'report', 'table', 'table rows', 'telemetry']);
    expect(secretValues().length).toBeGreaterThan(60);

    // The control: the same echoing servers with the redactor returning its input unchanged, and
    // server texts clipped mid-word (a plain slice), as they were before clipText.
    const scrub = jest.spyOn(Redactor.prototype, 'scrub').mockImplementation((text: string) => text);
    const clip = jest.spyOn(outsideText, 'clipText').mockImplementation((text: string, max: number) => text.slice(0, max));
    try {
      const broken: Record<string, string[]> = {};
      await echoRuns(broken);
      // …and a timer run that notifies (new mailbox ids: new incidents) while Entra echoes.
      for (const r of receivers) r.received.length = 0;
      tenant.graph.stats.sentMail.length = 0;
      process.env = { ...saved, ...tenant.identityEnv, ...azurite.env, MAILBOX_HEALTH_CONFIG: JSON.stringify(timerConfig((id) => `${id}-control`)) };
      tenant.faults.set('entra', [{ fault: { kind: 'echo', status: 400 } }]);
      resetTokenClients();
      await checkTimer({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, new InvocationContext({ invocationId: 'leak-control', functionName: 'checkTimer', logHandler: () => undefined }));
      tenant.faults.clear();
      process.env = saved;
      for (const r of receivers) for (const got of r.received) (broken.notifications ??= []).push(`${JSON.stringify(got.headers)}\n${got.body}`);
      broken['e-mail'] = sentMail();
      expect(broken['e-mail'].length).toBeGreaterThan(0);
      const caught = search(broken);
      process.stdout.write(`leak search: ${hits.length} hits with the redactor, ${caught.length} with it broken (${caught.join('; ')}); e-mails searched: ${channels['e-mail']!.length} + ${broken['e-mail'].length} in the control\n`);
      expect(caught.length).toBeGreaterThanOrEqual(4);
      expect(caught.some((h) => h.includes('XOAUTH2'))).toBe(true);
      expect(caught.some((h) => h.startsWith('notifications:'))).toBe(true);
      expect(caught.some((h) => h.startsWith('e-mail:'))).toBe(true);
    } finally {
      scrub.mockRestore();
      clip.mockRestore();
    }
  }, 120_000);
});
