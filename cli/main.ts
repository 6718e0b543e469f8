/**
 * The mailbox-health command. Entry points stay thin: they turn arguments into an engine call
 * and its report into output and an exit code (0 ok, 1 degraded, 2 failed, 3 unknown).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { excerpt } from '../shared/config/fields';
import type { checkCommand as CheckCommand } from './check-command';
import type { demoCommand as DemoCommand } from './demo-command';
import type { setupCommand as SetupCommand } from './setup-command';
import type { expiryCommand as ExpiryCommand } from './expiry-command';
import { findConfig, noConfigError, reportConfigError } from './load-config';
import { writeJsonBody } from './output';
import { exitCodeAfterOutput, guardOutput, writeText } from './output-stream';
import { validateCommand } from './validate-command';
import { detailsLine, REPORT_CONTRACT_LINK } from './help-links';
import { inert } from '../shared/diagnosis/outside-text';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * A single-value option's parser that refuses a second value (#16.7): commander keeps the last,
 * so `--config A --config B` checked B and said nothing of A. Thrown as a UsageError (exit 3,
 * JSON body with --json); each value is quoted by its start only.
 */
function once(flag: string) {
  return (value: string, previous: string | undefined): string => {
    if (previous !== undefined) throw new UsageError(`${flag} is given twice ("${excerpt(previous)}", then "${excerpt(value)}"): give it once`);
    return value;
  };
}
// The SDKs behind a check, and the simulated tenant behind the demo, load only when they run:
// validate, schema and a config error stay quick.
const checkCommand: typeof CheckCommand = (options) => (require('./check-command') as { checkCommand: typeof CheckCommand }).checkCommand(options);
const demoCommand: typeof DemoCommand = (options) => (require('./demo-command') as { demoCommand: typeof DemoCommand }).demoCommand(options);
const expiryCommand: typeof ExpiryCommand = (options) => (require('./expiry-command') as { expiryCommand: typeof ExpiryCommand }).expiryCommand(options);
const setupCommand: typeof SetupCommand = (options) => (require('./setup-command') as { setupCommand: typeof SetupCommand }).setupCommand(options);
const COMMANDS = 'check, expiry, validate, demo, setup, schema';

/** A mistake on the command line: exit 3, and a JSON body when --json was asked for. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Arguments nobody asked for are errors, not silently ignored (`check m1` checked everything). */
function noPositionals(command: Command, hint: (arg: string) => string = () => ''): void {
  if (command.args.length > 0) throw new UsageError(`${command.name()}: unexpected argument "${command.args[0]!.slice(0, 60)}"${hint(command.args[0]!)}`);
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('mailbox-health')
    .description('Checks Microsoft 365 mailboxes read over IMAP with OAuth 2.0 app-only auth, and says what broke and how to fix it.')
    .version(version(), '-V, --version', 'print the version')
    .showHelpAfterError()
    // Options after a command name belong to the command (both have --config and --json).
    .enablePositionalOptions()
    .allowExcessArguments(true)
    .exitOverride();
  const configHelp = `configuration JSON file (default: the MAILBOX_HEALTH_CONFIG environment variable, then ./mailboxes.json)`;
  const configOption = () => new Option('-c, --config <file>', configHelp).argParser(once('--config'));

  // Without a command: check the configured tenant; with none configured, show a person the demo.
  program
    .addOption(configOption())
    .option('--json', 'print the report as JSON')
    .action(async (options: { config?: string; json?: boolean }, command: Command) => {
      if (command.args.length > 0) throw new UsageError(`unknown command '${command.args[0]!.slice(0, 60)}' (commands: ${COMMANDS}; see --help)`);
      if (findConfig(options.config)) return setExit(await checkCommand({ config: options.config, json: options.json }));
      // A machine (a cron job that lost its environment, a pipe, --json) must not read the demo's
      // exit 0 as "all mailboxes healthy": only a person at a terminal gets the demo.
      if (!options.json && process.stdout.isTTY && process.stdin.isTTY) {
        await writeText(process.stderr, 'No tenant configured (no --config, no MAILBOX_HEALTH_CONFIG, no ./mailboxes.json): running the demo against the simulated tenant.\n');
        return setExit(await demoCommand({}));
      }
      setExit(await reportConfigError(noConfigError(), Boolean(options.json)));
    });

  // Root options before a command name would be silently dropped: say where they go.
  program.hook('preSubcommand', (thisCommand, sub) => {
    const given = Object.keys(thisCommand.opts());
    if (given.length > 0) throw new UsageError(`--${given[0]} goes after the command name: mailbox-health ${sub.name()} --${given[0]}${given[0] === 'config' ? ' <file>' : ''}`);
  });

  program
    .command('check')
    .description('check every configured mailbox (or those named with --mailbox)')
    .addOption(configOption())
    .option('--json', `print the report as JSON (the result contract: ${REPORT_CONTRACT_LINK})`)
    .option('-m, --mailbox <id>', 'check only this mailbox id (repeatable)', collect)
    .action(async (options, command: Command) => {
      noPositionals(command, (arg) => ` (to check one mailbox: --mailbox ${arg.slice(0, 60)})`);
      setExit(await checkCommand(options));
    });

  program
    .command('expiry')
    .description("date every app credential (Key Vault and Entra's own end date) without logging into any mailbox")
    .addOption(configOption())
    .option('--json', 'print the sweep as JSON')
    .action(async (options, command: Command) => {
      noPositionals(command);
      setExit(await expiryCommand(options));
    });

  program
    .command('validate')
    .description('validate a configuration and exit (0 valid, 3 invalid)')
    .addOption(configOption())
    .option('--json', 'print the result as JSON')
    .action(async (options, command: Command) => {
      noPositionals(command, (arg) => ` (the file goes after --config: --config ${arg.slice(0, 60)})`);
      setExit(await validateCommand(options));
    });

  program
    .command('demo')
    .description('run the check against a built-in simulated tenant with healthy and broken mailboxes')
    .option('--json', 'print the report as JSON')
    .action(async (options, command: Command) => {
      noPositionals(command);
      setExit(await demoCommand(options));
    });

  program
    .command('setup')
    .description("print the portal steps and exact commands (Entra, Key Vault, Exchange Online) for this config's apps and mailboxes")
    .addOption(new Option('-c, --config <file>', 'configuration JSON').makeOptionMandatory().argParser(once('--config')))
    .option('--json', 'print the steps as JSON, for scripts')
    .option('--shell <shell>', 'quote the az commands for posix (bash/zsh) or powershell', once('--shell'))
    .option('--secret-days <days>', 'lifetime of the new client secrets (default 180)', once('--secret-days'))
    .option('--mail-sender <address>', 'a mailbox e-mail notifications are sent from, besides the config\'s e-mail channels (a scoped Mail.Send grant)', once('--mail-sender'))
    .option('--identity-client-id <guid>', "the monitor identity's client id (default: read from the azd environment)", once('--identity-client-id'))
    .option('--identity-principal-id <guid>', "the monitor identity's object id (default: read from the azd environment)", once('--identity-principal-id'))
    .option('--exchange-environment <name>', 'cloud usgov: O365USGovGCCHigh (default) or O365USGovDoD, for Connect-ExchangeOnline', once('--exchange-environment'))
    .action(async (options, command: Command) => {
      noPositionals(command);
      setExit(await setupCommand(options));
    });

  program
    .command('schema')
    .description('print the configuration JSON Schema (for editors)')
    .action(async (_options, command: Command) => {
      noPositionals(command);
      await writeText(process.stdout, JSON.stringify((require('../shared/config/json-schema') as typeof import('../shared/config/json-schema')).configJsonSchema(), null, 2) + '\n');
      setExit(0);
    });

  for (const sub of program.commands) sub.allowExcessArguments(true).exitOverride();
  // Each command's help ends with the docs section that explains it.
  for (const command of [program, ...program.commands]) command.addHelpText('after', detailsLine(command.name()));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  guardOutput();
  const json = argv.slice(2).includes('--json');
  let code = 0;
  const program = buildProgram((c) => (code = c));
  // With --json, commander's own error text would be plain: keep it for the JSON body instead.
  if (json) for (const command of [program, ...program.commands]) command.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    code = await reportError(error, json);
  }
  // exitCode, not exit(): stdout may still be draining into a pipe. An output that could not be
  // written (a full disk) makes the outcome unknown, whatever the command found (#16.6).
  process.exitCode = exitCodeAfterOutput(code);
  // Everything the command had to say is written. SDK leftovers (@azure/identity's retries and
  // fallbacks after a failed managed-identity sign-in, a socket to an ingestion endpoint that never
  // answers) must not hold the process for half a minute: it ends once only such leftovers are
  // pending. Unref'd, so a process with nothing pending ends at once, with its exit code.
  setTimeout(() => process.exit(), 500).unref();
}

async function reportError(error: unknown, json: boolean): Promise<number> {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    if (json) await writeJsonBody(usageBody(error.message.replace(/^error: /, '')));
    return 3;
  }
  if (error instanceof UsageError) {
    if (json) await writeJsonBody(usageBody(error.message));
    else await writeText(process.stderr, `error: ${inert(error.message)}\n(see mailbox-health --help)\n`);
    return 3;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const message = `${err.name}: ${err.message}`;
  if (json) await writeJsonBody({ status: 'unknown', failure: { code: 'INTERNAL', phase: 'run', kind: 'internal', message, remedy: 'A bug in the monitor, not a mailbox problem: report it with this message (MAILBOX_HEALTH_DEBUG=1 prints the stack).' } });
  else await writeText(process.stderr, `mailbox-health: internal error: ${inert(message)}${process.env.MAILBOX_HEALTH_DEBUG ? `\n${err.stack}` : ' (MAILBOX_HEALTH_DEBUG=1 prints the stack)'}\n`);
  return 3;
}

/** A command-line mistake in the failure shape of the report (the command line configures the run). */
function usageBody(message: string) {
  return { status: 'unknown', failure: { code: 'CONFIG_INVALID', phase: 'config', kind: 'config', message, remedy: 'See mailbox-health --help for the commands and their options.', problems: [{ path: 'command line', message }] } };
}
