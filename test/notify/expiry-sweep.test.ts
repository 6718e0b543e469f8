/**
 * The expiry sweep: the engine dates every credential (simulated Key Vault and Graph) without an
 * IMAP login; the daily timer function, called as the Functions host calls it (no local host
 * exists), feeds the notifier over Azurite and a local HTTPS webhook receiver; `mailbox-health
 * expiry` on the command line with the monitoring-plugin exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { ClientSecretCredential } from '@azure/identity';
import { expiryTimer } from '../../functions/expiry-timer';
import { parseConfig } from '../../shared/config/load';
import type { ConfigInput } from '../../shared/config/schema';
import { sweepExitCode, sweepExpiry } from '../../shared/run/expiry-sweep';
import { planRun } from '../../shared/run/plan';
import type { SimTenant } from '../../sim/tenant';
import { startTenant } from '../e2e/sim-harness';
import { runCli } from '../e2e/cli-process';
import { startAzurite, type Azurite } from '../storage/azurite';
import { entraConfig, entraScenario, IMPORTER, KEY_IDS, MONITOR, TENANT } from '../entra/entra-fixture';
import { startReceiver, type Receiver } from './receivers';

let tenant: SimTenant;
let azurite: Azurite;
let hook: Receiver;

beforeAll(async () => {
  [azurite, hook] = await Promise.all([startAzurite(), startReceiver()]);
  tenant = await startTenant(entraScenario());
}, 60000);
afterAll(async () => {
  await Promise.all([tenant?.stop(), azurite?.stop(), hook?.stop()]);
});

const credential = () => new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });
const sweep = (config: ConfigInput) => sweepExpiry(planRun(parseConfig(config, 'test')), { vaultCredential: credential() });

describe('the sweep engine', () => {
  test('dates each app once from the vault and Entra, logs into no mailbox', async () => {
    tenant.scenario = entraScenario({ inUseEndsInDays: 10, vaultEndsInDays: 40 });
    tenant.graph.stats.applicationReads.clear();
    const logins = tenant.imap.stats.logins;
    const report = await sweep(entraConfig(tenant));
    expect(tenant.imap.stats.logins).toBe(logins);
    expect(tenant.graph.stats.applicationReads.get(IMPORTER.clientId)).toBe(1);
    expect(report.credentials.map((c) => [c.app, c.status])).toEqual([['importer', 'degraded'], ['archiver', 'ok']]);
    const importer = report.credentials[0]!;
    expect(importer.mailboxes).toEqual(['invoices', 'hr']);
    expect(importer.entra).toMatchObject({ keyId: KEY_IDS.inUse, name: 'import 2025', secretsOnApp: 3 });
    expect(importer.warnings.map((w) => w.code).sort()).toEqual(['CREDENTIAL_EXPIRING', 'CREDENTIAL_EXPIRY_MISMATCH', 'CREDENTIAL_ROTATION_INCOMPLETE']);
    expect(sweepExitCode(report)).toBe(1);
    expect(JSON.stringify(report)).not.toContain(IMPORTER.secret);
  });

  test('a secret missing from the vault is that credential\'s failure (exit 2); the other is still dated', async () => {
    const s = entraScenario({ inUseEndsInDays: 200 });
    s.vault.secrets = s.vault.secrets.filter((x) => x.name !== 'importer-secret');
    tenant.scenario = s;
    const report = await sweep(entraConfig(tenant));
    expect(report.credentials.map((c) => [c.app, c.status, c.failure?.code])).toEqual([['importer', 'failed', 'SECRET_NOT_FOUND'], ['archiver', 'ok', undefined]]);
    expect(report.credentials[0]!.failure!.remedy).toContain('az keyvault secret set');
    expect(sweepExitCode(report)).toBe(2);
  });
});

describe('the daily timer function feeds the notifier', () => {
  test('one notification when the credential enters the window, none on the next day\'s sweep', async () => {
    tenant.scenario = entraScenario({ inUseEndsInDays: 12 });
    tenant.scenario.vault.secrets.push({ name: 'hook-url', value: hook.url }, { name: 'hook-signing', value: 'whsec-sweep' });
    const config = {
      ...entraConfig(tenant),
      notify: { channels: [{ type: 'webhook', id: 'ops', url: { keyVaultSecret: 'hook-url' }, signingSecret: { keyVaultSecret: 'hook-signing' } }] },
    };
    const saved = { ...process.env };
    Object.assign(process.env, { MAILBOX_HEALTH_CONFIG: JSON.stringify(config), ...azurite.env });
    const logs: [string, string][] = [];
    const context = () => new InvocationContext({ invocationId: 'sweep', functionName: 'expiryTimer', logHandler: (level, ...args) => logs.push([level, args.join(' ')]) });
    try {
      await expiryTimer({ isPastDue: false, schedule: { adjustForDST: false } } as never, context());
      expect(hook.received).toHaveLength(1);
      const body = JSON.parse(hook.received[0]!.body) as { kind: string; incident: string };
      expect([body.kind, body.incident]).toEqual(['credential-expiring', 'credential:importer']);
      expect(logs).toContainEqual(["warning", expect.stringMatching(/^importer degraded SECRET_EXPIRING: .*; CREDENTIAL_EXPIRING: Entra: client secret .import 2025./)]);
      await expiryTimer({ isPastDue: false, schedule: { adjustForDST: false } } as never, context());
      expect(hook.received).toHaveLength(1);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});

describe('mailbox-health expiry', () => {
  const write = (name: string, config: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'expiry-cli-'));
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  // The CLI reads the vault and Graph as the monitor's managed identity would.
  const env = () => ({ ...tenant.identityEnv, AzureWebJobsStorage: '' });

  test('exit 1 and a table naming the secret in use when a credential expires soon; exit 0 when none does', async () => {
    tenant.scenario = entraScenario({ inUseEndsInDays: 10 });
    const expiring = await runCli(['expiry', '--config', write('a.json', entraConfig(tenant))], env());
    expect(expiring.code).toBe(1);
    expect(expiring.stdout).toMatch(/^APP\s+STATUS\s+VAULT EXPIRES\s+ENTRA EXPIRES\s+CODE/);
    expect(expiring.stdout).toMatch(/importer\s+DEGRADED/);
    expect(expiring.stdout).toContain("CREDENTIAL_EXPIRING: Entra: client secret 'import 2025' with hint Imp (in use, 1 of 3 secrets on the app)");
    expect(expiring.stdout).not.toContain(IMPORTER.secret);
    tenant.scenario = entraScenario({ inUseEndsInDays: 200 });
    const fine = await runCli(['expiry', '--config', write('b.json', entraConfig(tenant)), '--json'], env());
    expect(fine.code).toBe(0);
    expect((JSON.parse(fine.stdout) as { status: string; counts: { total: number } }).counts.total).toBe(2);
  });

  test('exit 3 for a config with an inline webhook URL instead of a reference', async () => {
    const bad = { ...entraConfig(tenant), notify: { channels: [{ type: 'slack', id: 's', url: 'https://hooks.slack.com/services/T/B/x' }] } };
    const run = await runCli(['expiry', '--config', write('c.json', bad)], env());
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('notify.channels[0].url');
  });
});
