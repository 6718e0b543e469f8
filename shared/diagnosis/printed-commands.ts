/**
 * The commands a remedy prints, marked where they are written, so that tests can take each one
 * out exactly as printed and hand it to the real tools (the PowerShell parser and reference-derived
 * cmdlet stubs, bash with an `az` that checks its arguments against the CLI reference). Marking
 * changes nothing in the text: `az(...)` and `pwsh(...)` return their argument.
 *
 * Placeholders an admin fills in are written `<what to put here>`, never nested and never holding
 * a command; the checking tools replace each one with a sample value before running the command.
 */

/** The shell a command is written for: az commands for bash (they use $(...)), Exchange cmdlets for PowerShell. */
export type CommandShell = 'posix' | 'powershell';

export interface PrintedCommand {
  shell: CommandShell;
  text: string;
}

let recording: PrintedCommand[] | undefined;

function mark(shell: CommandShell, text: string): string {
  recording?.push({ shell, text });
  return text;
}

/** An Azure CLI command (or a line of them) written for bash. */
export const az = (text: string): string => mark('posix', text);
/** A PowerShell command line (Exchange Online cmdlets, Windows networking cmdlets). */
export const pwsh = (text: string): string => mark('powershell', text);

/** Runs `build` (synchronous: nothing else can mark meanwhile) and returns what it printed with the commands it marked. */
export function recordCommands<T>(build: () => T): { value: T; commands: PrintedCommand[] } {
  const outer = recording;
  recording = [];
  try {
    const value = build();
    return { value, commands: recording };
  } finally {
    recording = outer;
  }
}
