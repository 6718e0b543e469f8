/**
 * `validate`, `schema` and a config error never load the Azure SDKs (issue 9: they
 * dominate start-up). The built CLI runs as a process with a preload that, at exit, lists the
 * packages in require.cache; the twin shows the same probe does see a package a check loads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli-process';
import { closedPort } from './net-helpers';

let dir: string;
let hook: string;
// node-forge too: certificates are parsed only by a check that uses one; once a table import pulled
// it (with the remedies) into `validate`, whose CPU went from ~240 to ~400 ms.
const HEAVY = /^(@azure\/|imapflow$|applicationinsights$|@opentelemetry\/|node-forge$)/;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mailbox-health-lazy-'));
  hook = join(dir, 'loaded-packages.js');
  writeFileSync(
    hook,
    `process.once('exit', () => {
      const packages = new Set(Object.keys(require.cache).map((f) => (/node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f) || [])[1]).filter(Boolean).map((p) => p.replace(/\\\\/g, '/')));
      require('node:fs').writeFileSync(process.env.LOADED_FILE, JSON.stringify([...packages].sort()));
    });`,
  );
  writeFileSync(join(dir, 'valid.json'), JSON.stringify(config('https://contoso-kv.vault.azure.net', 'https://login.microsoftonline.com', 993)));
  writeFileSync(join(dir, 'broken.json'), '{ "apps": [');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(keyVaultUrl: string, authorityHost: string, port: number) {
  return {
    cloud: { authorityHost, imapResource: 'https://outlook.office365.com' },
    keyVaultUrl,
    defaults: { host: '127.0.0.1', port },
    apps: [{ id: 'a', tenantId: '5a6b7c8d-0000-4000-8000-000000000001', clientId: '5a6b7c8d-0000-4000-8000-000000000002', credential: { env: 'LAZY_TEST_SECRET' } }],
    mailboxes: [{ id: 'm', address: 'm@contoso.example', app: 'a' }],
  };
}

async function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; packages: string[] }> {
  const file = join(dir, `loaded-${args[0]}-${Date.now()}.json`);
  const child = spawn(process.execPath, ['--require', hook, BIN, ...args], { env: { ...process.env, ...env, LOADED_FILE: file, MAILBOX_HEALTH_CONFIG: '' }, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, packages: JSON.parse(require('node:fs').readFileSync(file, 'utf8') as string) as string[] };
}

describe('what each command loads', () => {
  it.each([
    ['validate', ['validate', '--config', 'valid.json'], 0],
    ['schema', ['schema'], 0],
    ['a config error', ['check', '--config', 'broken.json'], 3],
  ])('%s loads no Azure SDK, no imapflow and no node-forge', async (_name, args, expected) => {
    const run = await loadedBy(args.map((a) => (a.endsWith('.json') ? join(dir, a) : a)));
    expect(run.code).toBe(expected);
    expect(run.packages).toContain('commander');
    expect(run.packages.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('a check loads what it uses, before its clocks start: MSAL, but no Key Vault SDK for an env credential and never imapflow (the check speaks IMAP itself)', async () => {
    const port = await closedPort();
    const file = join(dir, 'closed.json');
    writeFileSync(file, JSON.stringify(config('https://contoso-kv.vault.azure.net', `https://127.0.0.1:${port}`, port)));
    const run = await loadedBy(['check', '--config', file, '--json'], { LAZY_TEST_SECRET: 'lazy-test-secret-value' });
    expect(run.code).toBe(2); // TOKEN_ENDPOINT_UNREACHABLE
    expect(run.packages).toContain('@azure/msal-node');
    expect(run.packages).not.toContain('imapflow');
    expect(run.packages.filter((p) => /^@azure\/(identity|keyvault-secrets)$/.test(p))).toEqual([]);
  });
});
