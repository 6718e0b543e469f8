/**
 * Last line of defence: whatever text leaves the engine (messages, remedies) is scrubbed of the
 * secret values and tokens the run handled, in case an SDK ever echoes one into an error.
 */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Short values would blank out ordinary words; real secrets and tokens are long.
    if (value && value.length >= 8) this.values.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join('[redacted]');
    // Anything shaped like a JWT, even one this run did not issue; and any PEM private key block
    // (a certificate credential's key, issue 18), cut off or not.
    return out
      .replace(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[redacted-token]')
      .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted-private-key]');
  }
}

/**
 * The start of a server's text, at most `max` characters, never ending inside a long word: a cut
 * through a token or an XOAUTH2 string a server echoed would leave a piece the redactor cannot
 * recognise (it matches whole values), so the cut word goes entirely.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/[A-Za-z0-9+/=_.~-]+$/, '')}…`;
}
