/**
 * `mailbox-health demo`: the real check against a built-in simulated tenant (local Entra, Key
 * Vault, managed identity and Exchange-rules IMAP servers) where most real-life breakages are
 * present, one per mailbox. The simulator's CA is trusted the standard way, NODE_EXTRA_CA_CERTS,
 * which Node reads only at start: so the command re-runs itself once with it set.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../shared/config/load';
import { writeComplete } from '../shared/report/json';
import { loadOrCreateCa, simCaEnv, trustedSimCa } from '../sim/ca';
import { demoConfig, demoScenario } from '../sim/demo-scenario';
import { startSimTenant, useSimIdentity } from '../sim/tenant';
import { runAndPrint } from './check-command';

const CHILD = 'MAILBOX_HEALTH_DEMO_CHILD';

export async function demoCommand(options: { json?: boolean }): Promise<number> {
  return process.env[CHILD] ? runDemo(options) : relaunch(options);
}

function relaunch(options: { json?: boolean }): Promise<number> {
  const dir = join(tmpdir(), `m365-mailbox-health-demo-ca-${process.getuid?.() ?? 'user'}`);
  loadOrCreateCa(dir);
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD]: '1', ...simCaEnv(dir) };
  const bin = join(__dirname, '..', '..', 'bin', 'mailbox-health.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'demo', ...(options.json ? ['--json'] : [])], { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 3 : 0)));
  });
}

async function runDemo(options: { json?: boolean }): Promise<number> {
  const tenant = await startSimTenant(demoScenario(), trustedSimCa());
  try {
    // The monitor reads the vault as a Function App would: through its managed identity.
    useSimIdentity(tenant);
    const config = parseConfig(
      demoConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapHost: tenant.imap.host, imapPort: tenant.imap.port, graphUrl: tenant.graph.url }),
      'demo configuration',
    );
    if (!options.json) {
      await writeComplete(
        process.stdout,
        `Simulated tenant: Entra ID ${tenant.entra.url}, Key Vault ${tenant.vault.url}, Microsoft Graph ${tenant.graph.url}, Exchange IMAP ${tenant.imap.host}:${tenant.imap.port}.\n` +
          `Contoso's importer reads ${config.mailboxes.length} mailboxes; most are broken on purpose, each in its own way.\n\n`,
      );
    }
    const code = await runAndPrint(config, { json: options.json });
    // The broken mailboxes are broken on purpose: the demo succeeded unless the monitor broke.
    return code === 3 ? 3 : 0;
  } finally {
    await tenant.stop();
  }
}
