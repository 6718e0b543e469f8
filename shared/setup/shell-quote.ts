/**
 * Quoting values for the two shells an admin pastes setup commands into. Hand-written because
 * no well-kept library quotes for PowerShell, and the POSIX rule is one line: single quotes
 * keep every character literal, so the only character to handle is the quote itself.
 */

/** POSIX sh/bash/zsh: 'it'\''s' — close the quote, an escaped quote, reopen. */
export function posixQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * PowerShell single-quoted string: no `$` or backtick expansion; a quote is doubled. PowerShell
 * also treats the typographic quotes U+2018, U+2019, U+201A and U+201B as single quotes
 * (about_Quoting_Rules), so an address pasted from Word with ’ must have those doubled too.
 */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote)}'`;
}

/**
 * An OPATH filter string value (New-ManagementScope -RecipientRestrictionFilter): single-quoted,
 * a quote inside doubled. The whole filter is then quoted again for PowerShell.
 */
export function opathString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
