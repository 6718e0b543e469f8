/**
 * One command, written once, rendered for POSIX shells and for PowerShell. Values from the
 * config (addresses, names) are always quoted for the shell they land in; shell variables carry
 * what an earlier command printed (a secret, an object id) so it is never shown on screen.
 */
import { posixQuote, powershellQuote } from './shell-quote';

export type Shell = 'posix' | 'powershell';

/** A piece of a command line. */
export type Part =
  | string // fixed text (command names, flags, GUID constants): written as is
  | { value: string } // a value from the config or the options: quoted
  | { variable: string; prefix?: string }; // a shell variable, optionally glued to a prefix (--value=$secret)

export const v = (value: string): Part => ({ value });
export const ref = (variable: string, prefix?: string): Part => ({ variable, prefix });

function renderPart(part: Part, shell: Shell): string {
  if (typeof part === 'string') return part;
  if ('value' in part) return shell === 'posix' ? posixQuote(part.value) : powershellQuote(part.value);
  // Double quotes expand the variable in both shells and keep a value with spaces one argument.
  const prefix = part.prefix ?? '';
  return shell === 'posix' ? `${prefix}"$${part.variable}"` : prefix ? `"${prefix}$${part.variable}"` : `$${part.variable}`;
}

export function render(parts: Part[], shell: Shell): string {
  return parts.map((part) => renderPart(part, shell)).join(' ');
}

/** `name="$(command)"` in POSIX, `$name = command` in PowerShell. */
export function renderAssign(name: string, parts: Part[], shell: Shell): string {
  return shell === 'posix' ? `${name}="$(${render(parts, shell)})"` : `$${name} = ${render(parts, shell)}`;
}

/** Forget a variable that held a secret. */
export function renderUnset(name: string, shell: Shell): string {
  return shell === 'posix' ? `unset ${name}` : `Remove-Variable ${name}`;
}
