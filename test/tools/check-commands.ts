/**
 * The harness other tests call with the commands a remedy or the setup guide prints
 * (PrintedCommand: { shell, text }). Placeholders are replaced with samples first
 * (placeholders.ts). Then:
 * - posix: the real bash, az/azd recording functions, PATH holding nothing else (posix-run.ts);
 *   every recorded az argv is checked against the pinned Azure CLI reference (az-reference.ts);
 *   anything on stderr (command not found, a syntax error) is a problem.
 * - powershell: pwsh-check, the real parser and a runspace holding only stubs generated from the
 *   cmdlet reference (cmdlet-stubs.ts): parse errors and PowerShell's own binding errors are
 *   problems, and the az argv PowerShell passed is checked like bash's.
 * `sequence: true` runs the commands of each shell one after another in one shell session, as an
 * admin pastes a setup guide (a variable set by one command is used by a later one); otherwise
 * every command runs alone, as a remedy's commands are pasted.
 * Needs tools/azure/.bin/pwsh-check for PowerShell commands: wrap tests in
 * describeWithValidator(PWSH_CHECK, ...).
 */
import type { PrintedCommand } from '../../shared/diagnosis/printed-commands';
import { checkAzArgv } from './az-reference';
import { powershellPrelude } from './cmdlet-stubs';
import { substitutePlaceholders } from './placeholders';
import { runPosixCommands } from './posix-run';
import { runPwshCheck, type PwshCall } from './pwsh-check';

export type ProblemKind = 'placeholder' | 'shell' | 'parse' | 'binding' | 'runtime' | 'timeout' | 'az';
export interface Problem {
  command: PrintedCommand;
  kind: ProblemKind;
  message: string;
}

export interface CommandRun {
  command: PrintedCommand;
  /** The text that ran: placeholders replaced by samples. */
  text: string;
  /** Every az/azd argv, in order (argv[0] is the program). */
  nativeCalls: string[][];
  /** Every stub cmdlet call with the parameter set and parameters PowerShell bound. */
  cmdletCalls: { name: string; parameterSet: string; bound: Record<string, unknown> }[];
  problems: Problem[];
}

export interface CheckOptions {
  sequence?: boolean;
  /** Real programs POSIX commands may run besides az/azd (base64, tr, ...). */
  allow?: string[];
  cwd?: string;
}

const BINDING = /^(NamedParameterNotFound|AmbiguousParameterSet|MissingMandatoryParameter|ParameterArgumentValidationError|ParameterArgumentTransformationError|PositionalParameterNotFound|ParameterAlreadyBound|MissingArgument|AmbiguousParameter|InputObjectNotBound|CannotConvertArgument)/;

function azProblems(command: PrintedCommand, argv: string[][]): Problem[] {
  return argv.filter((a) => a[0] === 'az').flatMap((a) => checkAzArgv(a).map((p) => ({ command, kind: 'az' as const, message: `${p.message}   [argv: ${JSON.stringify(a)}]` })));
}

export async function runPrintedCommands(commands: PrintedCommand[], options: CheckOptions = {}): Promise<CommandRun[]> {
  const runs: CommandRun[] = commands.map((command) => {
    const substituted = substitutePlaceholders(command.text);
    return { command, text: substituted.text, nativeCalls: [], cmdletCalls: [], problems: substituted.problems.map((message) => ({ command, kind: 'placeholder' as const, message })) };
  });

  const posix = runs.filter((r) => r.command.shell === 'posix');
  const groups = options.sequence ? [posix] : posix.map((r) => [r]);
  for (const group of groups.filter((g) => g.length > 0)) {
    const result = runPosixCommands(group.map((r) => r.text), { allow: options.allow, cwd: options.cwd });
    group.forEach((run, i) => {
      const done = result.commands[i];
      run.nativeCalls.push(...done.calls);
      if (done.stderr.trim()) run.problems.push({ command: run.command, kind: 'shell', message: done.stderr.trim() });
      run.problems.push(...azProblems(run.command, done.calls));
    });
  }

  const powershell = runs.filter((r) => r.command.shell === 'powershell');
  if (powershell.length > 0) {
    const sessionsOf = options.sequence ? [powershell] : powershell.map((r) => [r]);
    const output = await runPwshCheck(
      powershellPrelude(),
      sessionsOf.map((group, s) => ({ id: `s${s}`, commands: group.map((r) => ({ id: String(runs.indexOf(r)), text: r.text })) })),
    );
    if (output.preludeErrors.length > 0) throw new Error(`the generated cmdlet stubs do not parse: ${JSON.stringify(output.preludeErrors)}`);
    for (const session of output.sessions) {
      if (session.preludeRun) throw new Error(`the generated cmdlet stubs fail to load: ${JSON.stringify(session.preludeRun.errors)}`);
      for (const result of session.commands) {
        const run = runs[Number(result.id)];
        for (const e of result.parseErrors) run.problems.push({ command: run.command, kind: 'parse', message: `${e.id} at ${e.line}:${e.column}: ${e.message}` });
        for (const e of result.errors) run.problems.push({ command: run.command, kind: BINDING.test(e.id) ? 'binding' : 'runtime', message: `${e.id}${e.line ? ` at ${e.line}:${e.column}` : ''}: ${e.message}` });
        if (result.timedOut) run.problems.push({ command: run.command, kind: 'timeout', message: 'did not finish in time' });
        for (const call of result.calls as PwshCall[]) {
          if ('args' in call) run.nativeCalls.push([call.name, ...call.args]);
          else run.cmdletCalls.push(call);
        }
        run.problems.push(...azProblems(run.command, run.nativeCalls));
      }
    }
  }
  return runs;
}

export async function checkPrintedCommands(commands: PrintedCommand[], options: CheckOptions = {}): Promise<Problem[]> {
  return (await runPrintedCommands(commands, options)).flatMap((r) => r.problems);
}
