import { ConfigError } from '../shared/config/config-error';
import { planRun } from '../shared/run/plan';
import { writeText } from './output';
import { findConfig, loadConfig, reportConfigError } from './load-config';

export async function validateCommand(options: { config?: string; json?: boolean }): Promise<number> {
  try {
    const config = loadConfig(options.config);
    const plan = planRun(config);
    const source = findConfig(options.config);
    const name = source && 'file' in source ? source.file : `app setting ${source?.setting}`;
    const summary = `${name} is valid: ${config.apps.length} app(s), ${plan.mailboxes.length} mailbox(es), cloud ${plan.cloud.name} (${plan.cloud.authorityHost}, IMAP ${plan.cloud.imapResource})`;
    await writeText(process.stdout, options.json ? JSON.stringify({ status: 'ok', apps: config.apps.length, mailboxes: plan.mailboxes.length }) + '\n' : summary + '\n');
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) return reportConfigError(error, Boolean(options.json));
    throw error;
  }
}
