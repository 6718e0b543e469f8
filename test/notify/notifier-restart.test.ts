/**
 * A restart is a new process: nothing of the notifier's memory survives it, only the incidents in
 * Table Storage. Two `mailbox-health check` processes in a row (the CLI delivers to the notifier as
 * the Functions do) against the same Azurite send one notification for one change, and the
 * recovery once. Real pieces: the simulated tenant, Azurite, a local HTTPS webhook receiver whose
 * URL is read from the simulated Key Vault.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../shared/config/schema';
import type { SimTenant } from '../../sim/tenant';
import { runCli } from '../e2e/cli-process';
import { startTenant } from '../e2e/sim-harness';
import { entraConfig, entraScenario } from '../entra/entra-fixture';
import { startAzurite, type Azurite } from '../storage/azurite';
import { startReceiver, type Receiver } from './receivers';

let azurite: Azurite;
let tenant: SimTenant;
let hook: Receiver;

beforeAll(async () => {
  [azurite, hook] = await Promise.all([startAzurite(), startReceiver()]);
  tenant = await startTenant(entraScenario());
}, 60000);
afterAll(async () => {
  await Promise.all([tenant?.stop(), azurite?.stop(), hook?.stop()]);
});

function scenario(hrHasAccess: boolean) {
  const s = entraScenario({ inUseEndsInDays: 200 });
  s.vault.secrets.push({ name: 'hook-url', value: hook.url }, { name: 'hook-signing', value: 'whsec-restart-test' });
  if (!hrHasAccess) s.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!.fullAccess = [];
  return s;
}

const configFile = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'notify-restart-'));
  return (config: ConfigInput) => {
    const file = join(dir, 'mailboxes.json');
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
})();

/** One CLI process: reads the vault and Graph as the monitor's identity, keeps incidents in Azurite. */
async function checkProcess(): Promise<number | null> {
  const config = entraConfig(tenant, { notify: { channels: [{ type: 'webhook', id: 'ops-hook', url: { keyVaultSecret: 'hook-url' }, signingSecret: { keyVaultSecret: 'hook-signing' } }], timeoutMs: 3000, retries: 1 } } as Partial<ConfigInput>);
  const run = await runCli(['check', '--json', '--config', configFile(config)], { ...tenant.identityEnv, ...azurite.env });
  return run.code;
}

const kinds = () => hook.received.map((r) => (JSON.parse(r.body) as { incident: string; kind: string })).map((n) => `${n.incident}:${n.kind}`);

test('a second process sees the stored incident and stays quiet; the recovery is sent once, by whichever process sees it', async () => {
  tenant.scenario = scenario(false);
  expect(await checkProcess()).toBe(2);
  expect(kinds()).toEqual(['mailbox:hr:failing']);
  // The restart: a new process, the same Storage, the same failure — nothing new to say.
  expect(await checkProcess()).toBe(2);
  expect(kinds()).toEqual(['mailbox:hr:failing']);
  // The grant is restored: one recovery, then quiet again.
  tenant.scenario = scenario(true);
  expect(await checkProcess()).not.toBe(2);
  expect(await checkProcess()).not.toBe(2);
  expect(kinds()).toEqual(['mailbox:hr:failing', 'mailbox:hr:recovered']);
}, 120000);
