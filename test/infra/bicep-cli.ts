/**
 * The real Bicep CLI (tools/azure/.bin/bicep, from NuGet: tools/azure/install.sh) run on infra/:
 * its diagnostics as data, and the compiled ARM template the consistency tests read. Every run has
 * a timeout: a hung .NET process must fail the test, not the whole suite's clock.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BICEP } from '../tools/validators';

export const INFRA = join(__dirname, '..', '..', 'infra');
/** A cold .NET start plus a compile takes 3–6 s here; on 2 cores shared with other jobs, more. */
export const BICEP_TIMEOUT_MS = 90_000;
/** For jest: a test that runs the CLI once or twice. */
export const BICEP_TEST_TIMEOUT_MS = 2 * BICEP_TIMEOUT_MS + 10_000;

export interface Diagnostic {
  file: string;
  line: number;
  level: 'Error' | 'Warning' | 'Info';
  /** BCP037, no-unused-params, … */
  code: string;
  message: string;
}

export interface BicepRun {
  exitCode: number;
  diagnostics: Diagnostic[];
  stdout: string;
}

// "/path/main.bicep(50,7) : Warning secure-secrets-in-params: Parameter … [https://aka.ms/…]"
const DIAGNOSTIC = /^(.+?)\((\d+),\d+\) : (Error|Warning|Info) ([\w-]+): (.*?)(?: \[https?:\/\/[^\]]+\])?$/;

export function parseDiagnostics(output: string): Diagnostic[] {
  return output.split(/\r?\n/).flatMap((line) => {
    const m = DIAGNOSTIC.exec(line.trim());
    return m ? [{ file: m[1], line: Number(m[2]), level: m[3] as Diagnostic['level'], code: m[4], message: m[5] }] : [];
  });
}

/**
 * Only what .NET needs: a .bicepparam file reads environment variables (readEnvironmentVariable),
 * so a developer's or CI's own AZURE_* values must not leak into what the tests compile.
 */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'DOTNET_ROOT', 'DOTNET_BUNDLE_EXTRACT_BASE_DIR'];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])), DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
}

/** `bicep <args>`; rejects only when the CLI cannot run or overruns its timeout. */
export function runBicep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BicepRun> {
  return new Promise((resolve, reject) => {
    execFile(
      BICEP.path,
      args,
      { timeout: BICEP_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: { ...baseEnv(), ...env } },
      (error, stdout, stderr) => {
        if (error && (error.killed || typeof error.code !== 'number')) {
          reject(new Error(`bicep ${args[0]}: ${error.killed ? `no answer within ${BICEP_TIMEOUT_MS} ms` : error.message}`));
          return;
        }
        resolve({ exitCode: error ? (error.code as number) : 0, diagnostics: parseDiagnostics(`${stdout}\n${stderr}`), stdout });
      },
    );
  });
}

/** A one-line summary per diagnostic, so a failing expectation shows what the CLI said. */
export const describeDiagnostics = (run: BicepRun) => run.diagnostics.map((d) => `${d.level} ${d.code} ${d.file.replace(/^.*\/infra\//, 'infra/')}:${d.line}: ${d.message}`);

/** A scratch copy of infra/ (to break on purpose, or to compile into); remove() when done. */
export function scratchInfra(): { dir: string; infra: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mailbox-health-bicep-'));
  cpSync(INFRA, join(dir, 'infra'), { recursive: true });
  return { dir, infra: join(dir, 'infra'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `bicep build <infra>/main.bicep` into a temp file: the run, and the ARM template it wrote. */
export async function compileMain(infra = INFRA): Promise<{ run: BicepRun; template: ArmTemplate }> {
  const out = mkdtempSync(join(tmpdir(), 'mailbox-health-arm-'));
  try {
    const outfile = join(out, 'main.json');
    const run = await runBicep(['build', join(infra, 'main.bicep'), '--outfile', outfile]);
    if (run.exitCode !== 0) throw new Error(`bicep build failed:\n${describeDiagnostics(run).join('\n')}`);
    return { run, template: JSON.parse(readFileSync(outfile, 'utf8')) as ArmTemplate };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The environment main.bicepparam reads, as a deployment would have it (only the required values). */
export const REQUIRED_ENV = {
  AZURE_ENV_NAME: 'mbh-test',
  AZURE_LOCATION: 'swedencentral',
  MAILBOX_HEALTH_CONFIG_BASE64: Buffer.from('{"apps":[],"mailboxes":[]}').toString('base64'),
};
const SNAPSHOT_SCOPE = ['--subscription-id', '00000000-0000-0000-0000-00000000000a', '--tenant-id', '00000000-0000-0000-0000-00000000000b', '--location', REQUIRED_ENV.AZURE_LOCATION, '--deployment-name', 'mbh-test'];

export interface PredictedResource {
  type: string;
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies vary by resource type; the tests read nested values
  properties?: Record<string, any>;
  [key: string]: unknown;
}

/**
 * `bicep snapshot`: the deployment as the CLI predicts it from main.bicepparam and the given
 * environment — every resource with its parameters, variables, loops and conditions evaluated
 * (only values known after deployment, such as an identity's principal id, stay expressions).
 * Runs in a scratch copy, since the CLI writes main.snapshot.json beside the parameter file.
 */
export async function snapshot(env: Record<string, string> = {}, edit?: (infra: string) => void): Promise<{ run: BicepRun; resources: PredictedResource[]; outputs: Record<string, unknown> }> {
  const scratch = scratchInfra();
  try {
    edit?.(scratch.infra);
    const run = await runBicep(['snapshot', join(scratch.infra, 'main.bicepparam'), '--mode', 'overwrite', ...SNAPSHOT_SCOPE], { ...REQUIRED_ENV, ...env });
    if (run.exitCode !== 0) throw new Error(`bicep snapshot failed:\n${describeDiagnostics(run).join('\n')}`);
    const written = JSON.parse(readFileSync(join(scratch.infra, 'main.snapshot.json'), 'utf8'));
    return { run, resources: written.predictedResources, outputs: written.outputs ?? {} };
  } finally {
    scratch.remove();
  }
}

/** The one predicted resource of a type (and name suffix); throws when there is not exactly one. */
export function onlyResource(resources: PredictedResource[], type: string, nameEndsWith = ''): PredictedResource {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(nameEndsWith));
  if (found.length !== 1) throw new Error(`${found.length} predicted resources of type ${type} named *${nameEndsWith}`);
  return found[0];
}

export interface ArmResource {
  type: string;
  name: string;
  kind?: string;
  copy?: { name: string; count: string };
  properties?: Record<string, unknown> & { template?: ArmTemplate };
  [key: string]: unknown;
}

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
}

export interface ArmTemplate {
  parameters: Record<string, ArmParameter>;
  variables?: Record<string, unknown>;
  resources: ArmResource[];
  outputs: Record<string, { type: string; value: unknown }>;
}
