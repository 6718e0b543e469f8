/**
 * `mailbox-health setup --config FILE`: prints, per app and mailbox, the portal steps and the
 * exact commands for the admin's own tenant (shared/setup). Nothing is run or changed: the admin
 * reads, pastes and sees each step's result.
 */
import { ConfigError } from '../shared/config/config-error';
import { appSchema, mailboxSchema } from '../shared/config/schema';
import { USGOV_EXCHANGE_ENVIRONMENTS, type UsGovExchangeEnvironment } from '../shared/setup/azure-ids';
import type { Shell } from '../shared/setup/shell-command';
import { setupGuide } from '../shared/setup/setup-guide';
import { renderSetupJson, renderSetupText } from '../shared/setup/render-setup';
import { loadConfig, reportConfigError } from './load-config';
import { writeText } from './output-stream';

export interface SetupCommandOptions {
  config: string;
  json?: boolean;
  shell?: string;
  secretDays?: string;
  mailSender?: string;
  identityClientId?: string;
  identityPrincipalId?: string;
  exchangeEnvironment?: string;
  /** Tests fix the date the secret's expiry is counted from. */
  now?: Date;
}

/** Options are checked before anything is printed; each problem names its option. */
function optionProblems(options: SetupCommandOptions): string[] {
  const problems: string[] = [];
  if (options.shell !== undefined && !['posix', 'powershell'].includes(options.shell)) problems.push(`--shell must be posix or powershell, not ${JSON.stringify(options.shell.slice(0, 40))}`);
  if (options.secretDays !== undefined && !/^\d{1,3}$/.test(options.secretDays)) problems.push('--secret-days must be a whole number of days from 1 to 730');
  else if (options.secretDays !== undefined && (Number(options.secretDays) < 1 || Number(options.secretDays) > 730)) problems.push('--secret-days must be from 1 to 730 (Entra allows client secrets of up to two years)');
  if (options.mailSender !== undefined && !mailboxSchema.shape.address.safeParse(options.mailSender).success) problems.push('--mail-sender must be an e-mail address like alerts@contoso.com');
  for (const [flag, value] of [['--identity-client-id', options.identityClientId], ['--identity-principal-id', options.identityPrincipalId]] as const) {
    if (value !== undefined && !appSchema.shape.clientId.safeParse(value).success) problems.push(`${flag} must be a GUID like 00000000-0000-0000-0000-000000000000`);
  }
  if (options.exchangeEnvironment !== undefined && !(USGOV_EXCHANGE_ENVIRONMENTS as readonly string[]).includes(options.exchangeEnvironment)) {
    problems.push(`--exchange-environment must be ${USGOV_EXCHANGE_ENVIRONMENTS.join(' (Microsoft 365 GCC High) or ')} (Microsoft 365 DoD), for "cloud": "usgov"`);
  }
  return problems;
}

export async function setupCommand(options: SetupCommandOptions): Promise<number> {
  const problems = optionProblems(options);
  if (problems.length > 0) {
    await writeText(process.stderr, problems.map((p) => `error: ${p}\n`).join(''));
    return 3;
  }
  let config;
  try {
    config = loadConfig(options.config);
  } catch (error) {
    if (error instanceof ConfigError) return reportConfigError(error, Boolean(options.json));
    throw error;
  }
  if (options.exchangeEnvironment !== undefined && config.cloud !== 'usgov') {
    await writeText(process.stderr, 'error: --exchange-environment is for "cloud": "usgov" (GCC High or DoD); this config\'s cloud is not usgov\n');
    return 3;
  }
  const shell: Shell = (options.shell as Shell | undefined) ?? (process.platform === 'win32' ? 'powershell' : 'posix');
  const guide = setupGuide(config, {
    now: options.now ?? new Date(),
    secretDays: options.secretDays ? Number(options.secretDays) : 180,
    configFile: options.config,
    mailSender: options.mailSender,
    identityClientId: options.identityClientId,
    identityPrincipalId: options.identityPrincipalId,
    exchangeEnvironment: options.exchangeEnvironment as UsGovExchangeEnvironment | undefined,
  });
  const header =
    `Setup for ${options.config}: ${config.apps.length} app(s), ${config.mailboxes.length} mailbox(es), cloud ${guide.cloud}. ` +
    `az commands are for ${shell === 'posix' ? 'bash/zsh (--shell powershell for PowerShell)' : 'PowerShell (--shell posix for bash/zsh)'}; Exchange Online commands are PowerShell.` +
    (guide.steps.some((s) => s.id === 'monitor.mail-send') ? '' : ' No e-mail channel in the config and no --mail-sender: no Mail.Send grant.');
  await writeText(process.stdout, options.json ? renderSetupJson(guide) : renderSetupText(guide, shell, header));
  return 0;
}
