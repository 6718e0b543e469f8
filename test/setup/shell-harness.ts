/**
 * Runs a pasted POSIX script the way an admin's shell would, to see the arguments each command
 * really receives: the real bash or dash, az/azd replaced by recording functions, PATH holding only
 * the few programs the setup's commands use (test/tools/posix-run.ts). PowerShell commands go
 * through test/tools/check-commands.ts (the real parser and reference stubs).
 */
import { runPosixCommands } from '../tools/posix-run';

export { FAKE_GUID, FAKE_SECRET } from '../tools/cmdlet-stubs';

export interface ShellRun {
  calls: string[][];
  stdout: string;
  stderr: string;
  /** The script's exit status. */
  status: number | null;
}

/** base64 and tr: the deploy step encodes the config; sh: a test checks an exported variable reaches a child process. */
export function runPosix(shell: 'bash' | 'dash', script: string, cwd?: string): ShellRun {
  const run = runPosixCommands([script], { shell, allow: ['base64', 'tr', 'sh'], cwd });
  return { calls: run.commands[0].calls, stdout: run.stdout, stderr: run.commands[0].stderr, status: run.status };
}

/** The value after a parameter (-Identity x, --id x). */
export function argAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}
