/**
 * Values pasted into commands: each quoted for the shell its command runs in. Exchange Online
 * cmdlets run in PowerShell; az commands are written for bash (they use $(...)). An address
 * like o'brien@contoso.com or a display name with a space must paste as one argument.
 */

/** PowerShell single-quoted string: a quote (also the typographic ones PowerShell accepts) is doubled. */
export function ps(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * A PowerShell argument: a GUID, a host name or an IPv4 address stays bare (as Microsoft's docs
 * write them); anything else is quoted.
 */
export function psArg(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(value) ? value : ps(value);
}

/** POSIX shell word: left bare when it is plainly safe, otherwise single-quoted. */
export function sh(value: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
