/**
 * Issue 18: `setup` for an app configured with a certificate prints how to create it in Key Vault
 * with an exportable key and attach its public part to the app; bash runs the lines as printed
 * (az replaced by a recorder), so the arguments az receives are the ones meant.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../shared/config/load';
import { setupGuide } from '../../shared/setup/setup-guide';
import { runPosix } from './shell-harness';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const config = (credential: unknown) =>
  parseConfig(
    {
      keyVaultUrl: 'https://contoso-kv.vault.azure.net',
      apps: [{ id: 'payroll', tenantId: TENANT, clientId: CLIENT, displayName: 'Payroll import', credential }],
      mailboxes: [{ id: 'payroll', address: 'payroll@contoso.com', app: 'payroll' }],
    },
    'test',
  );
const guide = (credential: unknown) => setupGuide(config(credential), { now: new Date('2026-12-04T00:00:00Z'), secretDays: 365, configFile: 'mailboxes.json' });

describe('#18 setup for a certificate credential', () => {
  it('#18 a Key Vault certificate: create (default, exportable policy), download the public part, attach it with --append; no client secret step', () => {
    const steps = guide({ keyVaultCertificate: 'payroll-imap-cert' }).steps.filter((s) => s.app === 'payroll');
    expect(steps.map((s) => s.id)).toContain('app.certificate');
    expect(steps.map((s) => s.id)).not.toContain('app.client-secret');
    const step = steps.find((s) => s.id === 'app.certificate')!;
    expect(step.pitfall).toContain('CERTIFICATE_NO_PRIVATE_KEY');
    const script = step.commands.map((c) => c.posix!).join(' && ');
    const run = runPosix('bash', script, mkdtempSync(join(tmpdir(), 'cert-setup-')));
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      ['az', 'keyvault', 'certificate', 'get-default-policy'],
      ['az', 'keyvault', 'certificate', 'create', '--vault-name', 'contoso-kv', '--name', 'payroll-imap-cert', '--policy', '@policy.json', '--output', 'none'],
      ['az', 'keyvault', 'certificate', 'download', '--vault-name', 'contoso-kv', '--name', 'payroll-imap-cert', '--file', 'payroll-imap-cert.pem', '--encoding', 'PEM'],
      ['az', 'ad', 'app', 'credential', 'reset', '--id', CLIENT, '--cert', '@payroll-imap-cert.pem', '--append'],
    ]);
    for (const command of step.commands) expect(command.powershell).toBeTruthy();
  });

  it('#18 a certificate file: made with openssl, key and certificate in the configured path, the public part attached', () => {
    const step = guide({ certificateFile: '/etc/mailbox-health/payroll.pem' }).steps.find((s) => s.id === 'app.certificate')!;
    const text = step.commands.map((c) => c.posix).join('\n');
    expect(text).toMatch(/cat key\.pem cert\.pem > '?\/etc\/mailbox-health\/payroll\.pem'? && chmod 600/);
    expect(runPosix('bash', step.commands.at(-1)!.posix!).calls).toEqual([['az', 'ad', 'app', 'credential', 'reset', '--id', CLIENT, '--cert', '@cert.pem', '--append']]);
  });

  it('#18 the twin: an app with a client secret gets no certificate step', () => {
    expect(guide({ keyVaultSecret: 'payroll-secret' }).steps.map((s) => s.id)).not.toContain('app.certificate');
  });
});
