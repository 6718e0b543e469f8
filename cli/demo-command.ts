/**
 * `mailbox-health demo`: the real check against a built-in simulated tenant (local Entra, Key
 * Vault, managed identity and Exchange-rules IMAP servers) where most real-life breakages are
 * present, one per mailbox. The simulator's CA is trusted the standard way, NODE_EXTRA_CA_CERTS,
 * which Node reads only at start: so the command re-runs itself once with it set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../shared/config/load';
import { loadOrCreateCa, simCaEnv, trustedSimCa } from '../sim/ca';
import { demoConfig, demoMismatches, demoScenario } from '../sim/demo-scenario';
import { startSimTenant, useSimIdentity } from '../sim/tenant';
import { runAndPrint } from './check-command';
import { writeText } from './output';

const CHILD = 'MAILBOX_HEALTH_DEMO_CHILD';
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The demo could not even start (its temporary directory): one line, exit 3. */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}

export async function demoCommand(options: { json?: boolean }): Promise<number> {
  return process.env[CHILD] ? runDemo(options) : relaunch(options);
}

/**
 * A fresh CA per run, in a directory only this run uses: two demos started at once never read
 * each other's half-written files, and stale or corrupt files of an earlier run are never reused.
 */
function createCaDir(): string {
  const base = tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'mailbox-health-demo-'));
  } catch (error) {
    throw new DemoSetupError(`demo: cannot create its temporary directory in ${base} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): set TMPDIR to a writable directory`);
  }
  try {
    loadOrCreateCa(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new DemoSetupError(`demo: cannot write the simulated tenant's CA in ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): set TMPDIR to a writable directory`);
  }
  return dir;
}

async function relaunch(options: { json?: boolean }): Promise<number> {
  let dir: string;
  try {
    dir = createCaDir();
  } catch (error) {
    if (!(error instanceof DemoSetupError)) throw error;
    await writeText(process.stderr, `${error.message}\n`);
    return 3;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD]: '1', ...simCaEnv(dir) };
  const bin = join(__dirname, '..', '..', 'bin', 'mailbox-health.js');
  try {
    return await new Promise((resolve, reject) => {
      // A supervisor signals only the process it started: pass every stop signal on. Listening
      // starts before the spawn: the child is visible in /proc while the spawn still waits for its
      // exec, and a signal in that window would otherwise kill us with the default action.
      let child: ChildProcess | undefined;
      const forward = (name: NodeJS.Signals) => child?.kill(name);
      for (const name of FORWARDED) process.on(name, forward);
      // Its own process group: a Ctrl-C at the terminal reaches the child once, through us.
      child = spawn(process.execPath, [bin, 'demo', ...(options.json ? ['--json'] : [])], { stdio: 'inherit', env, detached: true });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        for (const name of FORWARDED) process.off(name, forward);
        resolve(code ?? (signal ? 3 : 0));
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      await writeText(
        process.stdout,
        `DEMO — simulated tenant: Entra ID ${tenant.entra.url}, Key Vault ${tenant.vault.url}, Microsoft Graph ${tenant.graph.url}, Exchange IMAP ${tenant.imap.host}:${tenant.imap.port}.\n` +
          `Contoso's importer reads ${config.mailboxes.length} mailboxes; most are broken on purpose, each in its own way.\n\n`,
      );
    }
    let mismatches: string[] = [];
    const code = await runAndPrint(config, {
      json: options.json,
      decorate: (report) => {
        if (!report.partial) mismatches = demoMismatches(report.results);
        return { ...report, demo: true };
      },
    });
    if (code === 3) return 3;
    // The broken mailboxes are broken on purpose: the demo succeeded unless the monitor broke,
    // which shows as a diagnosis other than the one planted.
    if (mismatches.length > 0) {
      await writeText(process.stderr, `demo: the monitor itself is broken: ${mismatches.length} mailbox(es) did not get the diagnosis planted in the simulated tenant (${mismatches.slice(0, 3).join('; ')})\n`);
      return 3;
    }
    return 0;
  } finally {
    await tenant.stop();
  }
}
