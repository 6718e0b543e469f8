/**
 * Issue 10, scope item 1: the fault matrix through the wire. For each dependency — Key Vault, the
 * managed-identity endpoint, the Entra token endpoint, IMAP — each fault: connection refused;
 * reset mid-exchange; accepts and never answers (TCP, TLS and protocol level); answers slowly
 * just under and just over the timeout; 429 with Retry-After; 500 and 503 once and always. Each
 * case asserts the code and phase, that the check ends within its budget, that a mailbox not
 * depending on the faulty part is unaffected, how many attempts were made (bounded; transient
 * failures retried, Retry-After honoured) — and prints the table for the closing note.
 *
 * The managed-identity rows run the CLI as a separate process: a process asks the identity
 * endpoint once and then holds the token for a day (docs/SDK-FACTS.md).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../shared/config/schema';
import type { CheckResult, RunReport } from '../../shared/contract/result';
import { resetTokenClients } from '../../shared/token/token-provider';
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import type { SimTenant } from '../../sim/tenant';
import type { WireFault } from '../../sim/wire-faults';
import { ENV_SECRET, catalogueConfig, catalogueScenario, clientOf, type Endpoints } from './catalogue';
import { spawn } from 'node:child_process';
import { BIN, runCli } from './cli-process';
import { closedPort, silentTcpServer, silentTlsServer } from './net-helpers';
import { byId, runAgainst, startTenant } from './sim-harness';

const BUDGET = 800; // secretMs, tokenMs, connectMs, imapCommandMs
const UNDER = 400;
const OVER = 1300;
const CHECK_MS = 6000;

let tenant: SimTenant;
let endpoints: Endpoints;
let dir: string;
const stops: (() => Promise<void>)[] = [];
const ports = { closed: 0, tcp: 0, tls: 0 };
const table: string[] = [];

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  const tcp = await silentTcpServer();
  const tls = await silentTlsServer(issueServerCert(trustedSimCa()));
  stops.push(tcp.stop, tls.stop);
  Object.assign(ports, { closed: await closedPort(), tcp: tcp.port, tls: tls.port });
  endpoints = { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: ports.closed, UNTRUSTED: 1, PLAIN: 1 } };
  dir = mkdtempSync(join(tmpdir(), 'fault-matrix-'));
});

afterAll(async () => {
  process.stdout.write(`\nfault matrix (budget ${BUDGET} ms per step, check ${CHECK_MS} ms):\n| dependency | fault | code | phase | attempts | ms | other mailbox |\n|---|---|---|---|---|---|---|\n${table.join('\n')}\n`);
  await Promise.all(stops.map((s) => s()));
  await tenant?.stop();
});

beforeEach(() => {
  tenant.faults.clear();
  tenant.scenario = catalogueScenario();
  tenant.imap.resetsLeft = 0;
  resetTokenClients();
});

/** ok1 (app good, vault secret) is the target; envok (app envgood, env secret) is the bystander. */
function config(): ConfigInput {
  const c = catalogueConfig(endpoints, (id) => id === 'ok1' || id === 'envok');
  c.timeouts = { secretMs: BUDGET, tokenMs: BUDGET, connectMs: BUDGET, imapCommandMs: BUDGET, checkMs: CHECK_MS };
  return c;
}

interface Expect {
  code?: string; // undefined: the mailbox is ok
  phase?: string;
  attempts: number | [number, number];
  /** The check must end within this. */
  maxMs: number;
  minMs?: number;
  /** envok is not touched by this fault. */
  bystander?: 'ok' | 'same-authority';
}

function verify(dependency: string, fault: string, r: CheckResult, other: CheckResult | undefined, step: 'secret' | 'token' | 'imap', e: Expect): void {
  const attempts = r.attempts?.[step] ?? 0;
  if (process.env.FAULT_MATRIX_DEBUG) process.stdout.write(`${dependency} ${fault}: ${r.failure?.message ?? 'ok'}\n`);
  table.push(`| ${dependency} | ${fault} | ${r.failure?.code ?? (r.warnings.some((w) => w.code === 'TRANSIENT_RETRIED') ? 'ok (TRANSIENT_RETRIED)' : 'ok')} | ${r.failure?.phase ?? '—'} | ${attempts} | ${r.durationMs} | ${other ? other.status : 'n/a'} |`);
  expect({ code: r.failure?.code, phase: r.failure?.phase }).toEqual({ code: e.code, phase: e.code ? e.phase : undefined });
  const [lo, hi] = Array.isArray(e.attempts) ? e.attempts : [e.attempts, e.attempts];
  expect(attempts).toBeGreaterThanOrEqual(lo);
  expect(attempts).toBeLessThanOrEqual(hi);
  expect(r.durationMs).toBeLessThan(e.maxMs);
  if (e.minMs) expect(r.durationMs).toBeGreaterThanOrEqual(e.minMs);
  if (!e.code) expect(r.status).toBe('ok');
  if (e.bystander !== 'same-authority') expect(other?.status).toBe('ok');
}

async function run(c: ConfigInput): Promise<{ r: CheckResult; other: CheckResult | undefined }> {
  const { report } = await runAgainst(c, { env: { CATALOGUE_ENV_SECRET: ENV_SECRET } });
  return { r: byId(report).ok1!, other: byId(report).envok };
}

const status = (code: number, retryAfter?: string): WireFault => ({ kind: 'status', status: code, retryAfter, body: { error: { code: `Http${code}`, message: `simulated ${code}` }, error_description: `simulated ${code}` } });

// ---- Key Vault -------------------------------------------------------------------------------
const vaultAt = (port: number) => (c: ConfigInput) => {
  c.apps.find((a) => a.id === 'good')!.credential = { keyVaultSecret: 'good-secret', keyVaultUrl: `https://127.0.0.1:${port}` };
};
const vaultCases: [string, (c: ConfigInput) => void, Expect][] = [
  ['connection refused', vaultAt(0), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: 1500 }],
  ['reset mid-exchange (once)', () => tenant.faults.set('vault', [{ fault: { kind: 'reset' }, times: 1, match: 'good-secret' }]), { attempts: 2, maxMs: 2000 }],
  ['reset mid-exchange (always)', () => tenant.faults.set('vault', [{ fault: { kind: 'reset' }, match: 'good-secret' }]), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: [2, 3], maxMs: BUDGET + 700 }],
  ['accepts, never answers (TCP)', vaultAt(-1), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: BUDGET + 700 }],
  ['accepts, never answers (TLS)', vaultAt(-2), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: BUDGET + 700 }],
  ['accepts, never answers (HTTP)', () => tenant.faults.set('vault', [{ fault: { kind: 'hang' }, match: 'good-secret' }]), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: BUDGET + 700 }],
  [`answers ${UNDER} ms late (under ${BUDGET})`, () => tenant.faults.set('vault', [{ fault: { kind: 'delay', ms: UNDER }, match: 'good-secret' }]), { attempts: 1, maxMs: 2500, minMs: UNDER }],
  [`answers ${OVER} ms late (over ${BUDGET})`, () => tenant.faults.set('vault', [{ fault: { kind: 'delay', ms: OVER }, match: 'good-secret' }]), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: BUDGET + 700 }],
  ['429 Retry-After: 1 (once; secretMs 3000)', (c) => { c.timeouts!.secretMs = 3000; tenant.faults.set('vault', [{ fault: status(429, '1'), times: 1, match: 'good-secret' }]); }, { attempts: 2, maxMs: 3500, minMs: 1000 }],
  ['429 Retry-After: 60 (beyond the budget)', () => tenant.faults.set('vault', [{ fault: status(429, '60'), match: 'good-secret' }]), { code: 'SECRET_THROTTLED', phase: 'secret', attempts: 1, maxMs: BUDGET + 700 }],
  ['500 once', () => tenant.faults.set('vault', [{ fault: status(500), times: 1, match: 'good-secret' }]), { attempts: 2, maxMs: 2500 }],
  ['503 once', () => tenant.faults.set('vault', [{ fault: status(503), times: 1, match: 'good-secret' }]), { attempts: 2, maxMs: 2500 }],
  ['500 always', () => tenant.faults.set('vault', [{ fault: status(500), match: 'good-secret' }]), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: [2, 3], maxMs: BUDGET + 700 }],
  ['503 always', () => tenant.faults.set('vault', [{ fault: status(503), match: 'good-secret' }]), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: [2, 3], maxMs: BUDGET + 700 }],
  ['404 (definitive)', (c) => void (c.apps.find((a) => a.id === 'good')!.credential = { keyVaultSecret: 'no-such-secret' }), { code: 'SECRET_NOT_FOUND', phase: 'secret', attempts: 1, maxMs: 1500 }],
];

describe('#10 fault matrix: Key Vault', () => {
  it.each(vaultCases)('#10 Key Vault: %s', async (fault, arrange, e) => {
    const c = config();
    arrange(c);
    const url = c.apps.find((a) => a.id === 'good')!.credential as { keyVaultUrl?: string };
    if (url.keyVaultUrl?.endsWith(':0')) url.keyVaultUrl = `https://127.0.0.1:${ports.closed}`;
    if (url.keyVaultUrl?.endsWith(':-1')) url.keyVaultUrl = `https://127.0.0.1:${ports.tcp}`;
    if (url.keyVaultUrl?.endsWith(':-2')) url.keyVaultUrl = `https://127.0.0.1:${ports.tls}`;
    const { r, other } = await run(c);
    verify('Key Vault', fault, r, other, 'secret', e);
  });
});

// ---- Entra token endpoint ----------------------------------------------------------------------
const good = clientOf('good');
const authorityAt = (port: number) => (c: ConfigInput) => {
  c.cloud = { authorityHost: `https://127.0.0.1:${port}`, imapResource: 'https://outlook.office365.com' };
};
const entraCases: [string, (c: ConfigInput) => void, Expect][] = [
  ['connection refused', (c) => authorityAt(ports.closed)(c), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: 1, maxMs: 1500, bystander: 'same-authority' }],
  ['reset mid-exchange (once)', () => tenant.faults.set('entra', [{ fault: { kind: 'reset' }, times: 1, match: good }]), { attempts: 2, maxMs: 2500 }],
  ['reset mid-exchange (always)', () => tenant.faults.set('entra', [{ fault: { kind: 'reset' }, match: good }]), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: [2, 3], maxMs: BUDGET + 1000 }],
  ['accepts, never answers (TCP)', (c) => authorityAt(ports.tcp)(c), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: 1, maxMs: BUDGET + 1000, bystander: 'same-authority' }],
  ['accepts, never answers (TLS)', (c) => authorityAt(ports.tls)(c), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: 1, maxMs: BUDGET + 1000, bystander: 'same-authority' }],
  ['accepts, never answers (HTTP)', () => tenant.faults.set('entra', [{ fault: { kind: 'hang' }, match: good }]), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: 1, maxMs: BUDGET + 1000 }],
  [`answers ${UNDER} ms late (under ${BUDGET})`, () => tenant.faults.set('entra', [{ fault: { kind: 'delay', ms: UNDER }, match: good }]), { attempts: 1, maxMs: 2500, minMs: UNDER }],
  [`answers ${OVER} ms late (over ${BUDGET})`, () => tenant.faults.set('entra', [{ fault: { kind: 'delay', ms: OVER }, match: good }]), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: 1, maxMs: BUDGET + 1000 }],
  ['429 Retry-After: 1 (once; tokenMs 3000)', (c) => { c.timeouts!.tokenMs = 3000; tenant.faults.set('entra', [{ fault: status(429, '1'), times: 1, match: good }]); }, { attempts: 2, maxMs: 3500, minMs: 1000 }],
  ['429 Retry-After: 60 (beyond the budget)', () => tenant.faults.set('entra', [{ fault: status(429, '60'), match: good }]), { code: 'TOKEN_THROTTLED', phase: 'token', attempts: 1, maxMs: BUDGET + 700 }],
  ['500 once', () => tenant.faults.set('entra', [{ fault: status(500), times: 1, match: good }]), { attempts: 2, maxMs: 2500 }],
  ['503 once', () => tenant.faults.set('entra', [{ fault: status(503), times: 1, match: good }]), { attempts: 2, maxMs: 2500 }],
  ['500 always', () => tenant.faults.set('entra', [{ fault: status(500), match: good }]), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: [2, 3], maxMs: BUDGET + 1000 }],
  ['503 always', () => tenant.faults.set('entra', [{ fault: status(503), match: good }]), { code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', attempts: [2, 3], maxMs: BUDGET + 1000 }],
  ['AADSTS7000215 wrong secret (definitive)', () => void (tenant.scenario.apps.find((a) => a.clientId === good)!.secret = 'rotated-elsewhere-secret'), { code: 'TOKEN_INVALID_SECRET', phase: 'token', attempts: 1, maxMs: 1500 }],
];

describe('#10 fault matrix: Entra token endpoint', () => {
  it.each(entraCases)('#10 Entra: %s', async (fault, arrange, e) => {
    const c = config();
    arrange(c);
    const { r, other } = await run(c);
    verify('Entra token endpoint', fault, r, other, 'token', e);
  });
});

// ---- IMAP ----------------------------------------------------------------------------------------
const ok1Box = () => tenant.scenario.exchange.mailboxes.find((m) => m.address.startsWith('ok1@'))!;
const imapAt = (port: () => number) => (c: ConfigInput) => void (c.mailboxes.find((m) => m.id === 'ok1')!.port = port());
const imapCases: [string, (c: ConfigInput) => void, Expect][] = [
  ['connection refused', imapAt(() => ports.closed), { code: 'IMAP_CONNECT_REFUSED', phase: 'connect', attempts: 1, maxMs: 1500 }],
  ['reset before the greeting (once)', (c) => { tenant.imap.resetsLeft = 1; imapAt(() => tenant.imap.flakyPort)(c); }, { attempts: 2, maxMs: 2500 }],
  ['reset before the greeting (always)', (c) => { tenant.imap.resetsLeft = 100; imapAt(() => tenant.imap.flakyPort)(c); }, { code: 'IMAP_CONNECT_REFUSED', phase: 'connect', attempts: 3, maxMs: 3000 }],
  ['closes after login (mid-exchange)', () => void (ok1Box().fault = 'close-after-auth'), { code: 'IMAP_CONNECTION_CLOSED', phase: 'folder', attempts: 1, maxMs: 1500 }],
  ['accepts, never answers (TCP)', imapAt(() => ports.tcp), { code: 'IMAP_TIMEOUT', phase: 'connect', attempts: 1, maxMs: BUDGET + 1000 }],
  ['accepts, never greets (TLS)', imapAt(() => tenant.imap.silentPort), { code: 'IMAP_TIMEOUT', phase: 'connect', attempts: 1, maxMs: BUDGET + 1500 }], // + up to 500 ms asking whether a web server answers there (#11.13)
  ['never answers after login (IMAP)', () => void (ok1Box().fault = 'hang-after-auth'), { code: 'IMAP_TIMEOUT', phase: 'folder', attempts: 1, maxMs: 2 * BUDGET + 1500 }],
  [`login answered ${UNDER} ms late (under ${BUDGET})`, () => void (ok1Box().loginFault = { kind: 'slow', ms: UNDER }), { attempts: 1, maxMs: 2500, minMs: UNDER }],
  [`login answered ${OVER} ms late (over ${BUDGET})`, () => void (ok1Box().loginFault = { kind: 'slow', ms: OVER }), { code: 'IMAP_TIMEOUT', phase: 'auth', attempts: 1, maxMs: 2 * BUDGET + 1000 }],
  // The simulator's hint is 50 ms (sim-harness): the retry waits at least that.
  ['throttled, "Suggested Backoff Time: 50 milliseconds" (once)', () => void (ok1Box().loginFault = { kind: 'throttle', times: 1 }), { attempts: 2, maxMs: 3000, minMs: 50 }],
  ['NO [UNAVAILABLE] once (Exchange\'s 503)', () => void (ok1Box().loginFault = { kind: 'unavailable', times: 1 }), { attempts: 2, maxMs: 2500 }],
  ['NO [UNAVAILABLE] always', () => void (ok1Box().loginFault = { kind: 'unavailable' }), { code: 'IMAP_THROTTLED', phase: 'auth', attempts: 3, maxMs: 3500 }],
  ['AUTHENTICATE failed (definitive)', () => void (ok1Box().fullAccess = []), { code: 'IMAP_AUTH_FAILED', phase: 'auth', attempts: 1, maxMs: 1500 }],
];

describe('#10 fault matrix: IMAP', () => {
  it.each(imapCases)('#10 IMAP: %s', async (fault, arrange, e) => {
    const c = config();
    arrange(c);
    const { r, other } = await run(c);
    verify('IMAP', fault, r, other, 'imap', e);
  });
});

// ---- Managed identity (a fresh CLI process per case) ------------------------------------------------
// A fresh process loads the Azure SDKs (lazily, inside the secret phase) and signs in: the identity
// rows give the secret step 3 s, the default-sized budget scaled down, and measure against that.
const MI_BUDGET = 3000;
const MI_OVER = 3600;
const miCases: [string, () => { IDENTITY_ENDPOINT?: string }, Expect][] = [
  ['connection refused', () => ({ IDENTITY_ENDPOINT: `http://127.0.0.1:${ports.closed}/msi/token` }), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: MI_BUDGET + 1500 }],
  ['accepts, never answers (TCP)', () => ({ IDENTITY_ENDPOINT: `http://127.0.0.1:${ports.tcp}/msi/token` }), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: MI_BUDGET + 1500 }],
  ['reset mid-exchange (once)', () => (tenant.faults.set('identity', [{ fault: { kind: 'reset' }, times: 1 }]), {}), { attempts: [1, 2], maxMs: MI_BUDGET + 1500 }],
  ['accepts, never answers (HTTP)', () => (tenant.faults.set('identity', [{ fault: { kind: 'hang' } }]), {}), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: MI_BUDGET + 1500 }],
  [`answers ${UNDER} ms late (under ${MI_BUDGET})`, () => (tenant.faults.set('identity', [{ fault: { kind: 'delay', ms: UNDER } }]), {}), { attempts: 1, maxMs: MI_BUDGET + 1500, minMs: UNDER }],
  [`answers ${MI_OVER} ms late (over ${MI_BUDGET})`, () => (tenant.faults.set('identity', [{ fault: { kind: 'delay', ms: MI_OVER } }]), {}), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: 1, maxMs: MI_BUDGET + 1500 }],
  ['429 Retry-After: 1 (once)', () => (tenant.faults.set('identity', [{ fault: status(429, '1'), times: 1 }]), {}), { attempts: [1, 2], maxMs: MI_BUDGET + 1500 }],
  ['500 once', () => (tenant.faults.set('identity', [{ fault: status(500), times: 1 }]), {}), { attempts: [1, 2], maxMs: MI_BUDGET + 1500 }],
  ['503 once', () => (tenant.faults.set('identity', [{ fault: status(503), times: 1 }]), {}), { attempts: [1, 2], maxMs: MI_BUDGET + 1500 }],
  ['500 always', () => (tenant.faults.set('identity', [{ fault: status(500) }]), {}), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: [1, 3], maxMs: MI_BUDGET + 1500 }],
  ['503 always', () => (tenant.faults.set('identity', [{ fault: status(503) }]), {}), { code: 'SECRET_SOURCE_UNREACHABLE', phase: 'secret', attempts: [1, 3], maxMs: MI_BUDGET + 1500 }],
];

describe('#10 fault matrix: managed identity (the CLI as a separate process)', () => {
  it.each(miCases)('#10 managed identity: %s', async (fault, arrange, e) => {
    const file = join(dir, `mi-${fault.replace(/\W+/g, '-')}.json`);
    const c = config();
    c.timeouts!.secretMs = MI_BUDGET;
    writeFileSync(file, JSON.stringify(c));
    const env = { ...tenant.identityEnv, CATALOGUE_ENV_SECRET: ENV_SECRET, ...arrange() };
    const report = await reportOfCli(['check', '--config', file, '--json'], env);
    verify('managed identity', fault, byId(report).ok1!, byId(report).envok, 'secret', e);
  });
});

describe('#10 lifecycle: the CLI ends once its report is out', () => {
  it('#10 after a failed managed-identity sign-in (500 always), the process exits on its own within seconds of its report', async () => {
    tenant.faults.set('identity', [{ fault: status(500) }]);
    const file = join(dir, 'mi-lifecycle.json');
    const c = config();
    c.timeouts!.secretMs = MI_BUDGET;
    writeFileSync(file, JSON.stringify(c));
    const run = await runCli(['check', '--config', file, '--json'], { ...tenant.identityEnv, CATALOGUE_ENV_SECRET: ENV_SECRET });
    expect(run.code).toBe(2);
    expect(byId(JSON.parse(run.stdout) as RunReport).ok1!.failure?.code).toBe('SECRET_SOURCE_UNREACHABLE');
    // Before the fix the SDK's retries and fallbacks kept the process alive 20-30 s after this.
    expect(run.afterOutputMs).toBeLessThan(5000);
  });
});

/**
 * The CLI's JSON report, as soon as it is complete on stdout. The process is then ended: after a
 * failed managed-identity sign-in, @azure/identity's own retries (and DefaultAzureCredential's
 * fallbacks) can keep a process alive for many seconds after the report is out (see the report).
 */
function reportOfCli(args: string[], env: NodeJS.ProcessEnv): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      try {
        const report = JSON.parse(out) as RunReport;
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(report);
      } catch {
        // not complete yet
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`the CLI ended without a complete JSON report: ${out.slice(0, 200)}`));
    });
  });
}
