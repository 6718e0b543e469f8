/**
 * A folder name as an IMAP command argument: modified UTF-7 for anything outside printable ASCII
 * and for `&` (RFC 3501 5.1.3: "Posteingang/Eingänge" is `Posteingang/Eing&AOQ-nge`), then a quoted
 * string. The config refuses control characters, so a name can never end the command line early.
 */
export function mailboxArgument(name: string): string {
  // Loaded only for the names that need it: most fleets watch INBOX.
  const encoded = /[^\x20-\x25\x27-\x7e]/.test(name) ? (require('utf7') as { imap: { encode(text: string): string } }).imap.encode(name) : name;
  return `"${encoded.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
