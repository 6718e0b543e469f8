/**
 * The mailbox-health command. Entry points stay thin: they turn arguments into an engine call
 * and its report into output and an exit code (0 ok, 1 degraded, 2 failed, 3 unknown).
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { configJsonSchema } from '../shared/config/json-schema';
import { writeComplete } from '../shared/report/json';
import { checkCommand } from './check-command';
import type { demoCommand as DemoCommand } from './demo-command';
import { setupCommand } from './setup-command';
import type { expiryCommand as ExpiryCommand } from './expiry-command';
import { validateCommand } from './validate-command';

// The demo brings the simulated tenant (its CA and JWT libraries): loaded only when it runs.
const demoCommand: typeof DemoCommand = (options) => (require('./demo-command') as typeof import('./demo-command')).demoCommand(options);

// The sweep brings the engine's SDKs: loaded only when it runs, like the check.
const expiryCommand: typeof ExpiryCommand = (options) => (require('./expiry-command') as typeof import('./expiry-command')).expiryCommand(options);

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('mailbox-health')
    .description('Checks Microsoft 365 mailboxes read over IMAP with OAuth 2.0 app-only auth, and says what broke and how to fix it.')
    .showHelpAfterError()
    // Options after a command name belong to the command (both have --config and --json).
    .enablePositionalOptions()
    .allowExcessArguments(true)
    .exitOverride();
  const configOption = new Option('-c, --config <file>', 'configuration JSON (default: the MAILBOX_HEALTH_CONFIG environment variable)');

  // Without a command: check the configured tenant, or run the demo when none is configured.
  program
    .addOption(configOption)
    .option('--json', 'print the report as JSON')
    .action(async (options, command: Command) => {
      if (command.args.length > 0) {
        process.stderr.write(`error: unknown command '${command.args[0]}' (commands: check, expiry, validate, demo, setup, schema; see --help)
`);
        return setExit(3);
      }
      const config = options.config ?? (process.env.MAILBOX_HEALTH_CONFIG ? undefined : existsSync('mailboxes.json') ? 'mailboxes.json' : null);
      if (config === null) {
        process.stderr.write('No tenant configured (no --config, no MAILBOX_HEALTH_CONFIG, no ./mailboxes.json): running the demo against the simulated tenant.\n');
        setExit(await demoCommand({ json: options.json }));
      } else {
        setExit(await checkCommand({ config, json: options.json }));
      }
    });

  program
    .command('check')
    .description('check every configured mailbox (or those named with --mailbox)')
    .addOption(configOption)
    .option('--json', 'print the report as JSON (the DESIGN.md result contract)')
    .option('-m, --mailbox <id>', 'check only this mailbox id (repeatable)', collect)
    .action(async (options) => setExit(await checkCommand(options)));

  program
    .command('expiry')
    .description("date every app credential (Key Vault and Entra's own end date) without logging into any mailbox")
    .addOption(configOption)
    .option('--json', 'print the sweep as JSON')
    .action(async (options) => setExit(await expiryCommand(options)));

  program
    .command('validate')
    .description('validate a configuration file and exit (0 valid, 3 invalid)')
    .addOption(configOption)
    .option('--json', 'print the result as JSON')
    .action(async (options) => setExit(await validateCommand(options)));

  program
    .command('demo')
    .description('run the check against a built-in simulated tenant with healthy and broken mailboxes')
    .option('--json', 'print the report as JSON')
    .action(async (options) => setExit(await demoCommand(options)));

  program
    .command('setup')
    .description("print the portal steps and exact commands (Entra, Key Vault, Exchange Online) for this config's apps and mailboxes")
    .requiredOption('-c, --config <file>', 'configuration JSON')
    .option('--json', 'print the steps as JSON, for scripts')
    .option('--shell <shell>', 'quote the az commands for posix (bash/zsh) or powershell')
    .option('--secret-days <days>', 'lifetime of the new client secrets (default 180)')
    .option('--mail-sender <address>', 'a mailbox e-mail notifications are sent from, besides the config\'s e-mail channels (a scoped Mail.Send grant)')
    .option('--identity-client-id <guid>', "the monitor identity's client id (default: read from the azd environment)")
    .option('--identity-principal-id <guid>', "the monitor identity's object id (default: read from the azd environment)")
    .action(async (options) => setExit(await setupCommand(options)));

  program
    .command('schema')
    .description('print the configuration JSON Schema (for editors)')
    .action(async () => {
      await writeComplete(process.stdout, JSON.stringify(configJsonSchema(), null, 2) + '\n');
      setExit(0);
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' || commanderCode === 'commander.help') code = 0;
    else if (commanderCode?.startsWith('commander.')) code = 3;
    else {
      process.stderr.write(`mailbox-health: internal error: ${(error as Error).stack ?? String(error)}\n`);
      code = 3;
    }
  }
  // exitCode, not exit(): stdout may still be draining into a pipe.
  process.exitCode = code;
}
