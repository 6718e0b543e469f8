/** The setup guide's commands as PrintedCommands, for the shell an admin pastes them into. */
import type { PrintedCommand } from '../../shared/diagnosis/printed-commands';
import type { SetupGuide, SetupStep } from '../../shared/setup/setup-guide';

/**
 * `--shell posix`: a command with a POSIX form goes to bash, an Exchange-only one to PowerShell.
 * `--shell powershell`: every command's PowerShell form.
 */
export function printedCommands(steps: SetupStep[] | SetupGuide, shell: 'posix' | 'powershell'): PrintedCommand[] {
  const list = Array.isArray(steps) ? steps : steps.steps;
  return list.flatMap((step) =>
    step.commands.map((c): PrintedCommand => (shell === 'posix' && c.posix !== undefined ? { shell: 'posix', text: c.posix } : { shell: 'powershell', text: c.powershell })),
  );
}

/** Tools the deploy step's POSIX form runs besides az/azd: it base64-encodes the config. */
export const SETUP_ALLOWED_PROGRAMS = ['base64', 'tr'];
