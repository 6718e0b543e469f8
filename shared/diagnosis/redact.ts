/**
 * Last line of defence: whatever text leaves the engine (messages, remedies) is scrubbed of the
 * secret values and tokens the run handled, in case an SDK ever echoes one into an error.
 */
export class Redactor {
  private readonly values = new Set<string>();
  /** The values longest first (a URL goes as a whole before its path is matched inside it); rebuilt after an add. */
  private ordered: string[] | undefined;

  add(value: string | undefined): void {
    // Short values would blank out ordinary words; real secrets and tokens are long.
    if (value && value.length >= 8 && !this.values.has(value)) {
      this.values.add(value);
      this.ordered = undefined;
    }
  }

  /** A URL that is itself a secret (a webhook's): the whole of it and each part that carries its key. */
  addUrl(url: string): void {
    for (const part of urlSecrets(url)) this.add(part);
  }

  scrub(text: string): string {
    let out = text;
    this.ordered ??= [...this.values].sort((a, b) => b.length - a.length);
    for (const value of this.ordered) if (out.includes(value)) out = out.split(value).join('[redacted]');
    // Anything shaped like a JWT, even one this run did not issue; and any PEM private key block
    // (a certificate credential's key, issue 18), cut off or not.
    return out
      .replace(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[redacted-token]')
      .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted-private-key]');
  }
}

/**
 * The parts of a URL that carry its access key, for `Redactor.addUrl`: a webhook URL is a bearer
 * credential (Slack's and a custom receiver's key is a path segment, a Teams Workflows URL's is the
 * `sig` query value), and a receiver may quote any part of it back (Express: `Cannot POST /hooks/<key>`),
 * raw or percent-decoded. Short lowercase words (`services`, `workflows`, `triggers`) are the
 * service's own vocabulary, not keys: scrubbing them would blank ordinary words in messages.
 */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const parts = [url, parsed.href, `${parsed.pathname}${parsed.search}`, parsed.pathname, parsed.search.slice(1), parsed.username, parsed.password];
  for (const segment of parsed.pathname.split('/')) parts.push(segment, decode(segment));
  for (const [, value] of parsed.searchParams) parts.push(value, encodeURIComponent(value));
  return [...new Set(parts)].filter((p) => p.length >= 8 && !/^\/?[a-z]{1,12}\/?$/.test(p));
}
