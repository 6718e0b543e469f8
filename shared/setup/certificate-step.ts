/**
 * The setup step of an app that signs in with a certificate (issue 18): a certificate with an
 * exportable key, in Key Vault (or a local file), and its public part attached to the app
 * registration — `az keyvault certificate create … && az keyvault certificate download … &&
 * az ad app credential reset --id … --cert @… --append`. Self-contained, so setup-guide.ts only
 * calls it.
 */
import type { AppConfig, Config } from '../config/schema';
import { posixQuote, powershellQuote } from './shell-quote';
import { render, v, type Part, type Shell } from './shell-command';
import type { SetupCommand, SetupStep } from './setup-guide';

const both = (parts: Part[]): SetupCommand => ({ posix: render(parts, 'posix'), powershell: render(parts, 'powershell') });
const quote = (value: string, shell: Shell) => (shell === 'posix' ? posixQuote(value) : powershellQuote(value));

export function certificateStep(app: AppConfig, config: Config): SetupStep | undefined {
  const credential = app.credential;
  const name = app.displayName ?? app.id;
  const attach = (file: string) => both(['az', 'ad', 'app', 'credential', 'reset', '--id', v(app.clientId), '--cert', v(`@${file}`), '--append']);
  if ('keyVaultCertificate' in credential) {
    const url = credential.keyVaultUrl ?? config.keyVaultUrl;
    if (!url) return undefined;
    const vault = new URL(url).hostname.split('.')[0]!;
    const certificate = credential.keyVaultCertificate;
    const file = `${certificate}.pem`;
    return {
      id: 'app.certificate',
      app: app.id,
      title: `${name}: a certificate "${certificate}" in ${vault} with an exportable key, its public part attached to the app`,
      portal: `Key vaults > ${vault} > Certificates > Generate/Import: name ${certificate}, Advanced policy configuration > Exportable private key: Yes. Download it in CER format, then App registrations > ${name} > Certificates & secrets > Certificates > Upload certificate.`,
      pitfall:
        'A certificate whose key is not exportable is served without its private key: nothing outside the vault can sign with it (CERTIFICATE_NO_PRIVATE_KEY); the default policy below is exportable. ' +
        "The monitor reads the certificate through its backing secret, so its identity needs Key Vault Secrets User (not Certificates User). Uploading with --append keeps the app's current certificate working while the new one spreads.",
      commands: [
        // The policy goes through a file: JSON on a PowerShell command line loses its quotes.
        { posix: 'az keyvault certificate get-default-policy > policy.json', powershell: 'az keyvault certificate get-default-policy | Out-File -Encoding utf8 policy.json' },
        both(['az', 'keyvault', 'certificate', 'create', '--vault-name', v(vault), '--name', v(certificate), '--policy', '@policy.json', '--output', 'none']),
        both(['az', 'keyvault', 'certificate', 'download', '--vault-name', v(vault), '--name', v(certificate), '--file', v(file), '--encoding', 'PEM']),
        attach(file),
      ],
    };
  }
  if ('certificateFile' in credential) {
    const path = credential.certificateFile;
    const subject = `/CN=${app.id}`;
    return {
      id: 'app.certificate',
      app: app.id,
      title: `${name}: a certificate and its unencrypted key in ${path} (local runs), its public part attached to the app`,
      pitfall: 'The file holds the key in clear (BEGIN PRIVATE KEY): readable only by the user the monitor runs as. A password-protected key cannot be used (CERTIFICATE_PASSWORD_PROTECTED).',
      commands: [
        { posix: `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj ${quote(subject, 'posix')}`, powershell: `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj ${quote(subject, 'powershell')}` },
        { posix: `cat key.pem cert.pem > ${quote(path, 'posix')} && chmod 600 ${quote(path, 'posix')} && rm key.pem`, powershell: `Get-Content key.pem, cert.pem | Set-Content ${quote(path, 'powershell')}; Remove-Item key.pem` },
        attach('cert.pem'),
      ],
    };
  }
  return undefined;
}
