/**
 * A notification channel's URL, checked when it is read (from Key Vault or the environment) and
 * before anything is sent to it. The URL is a secret (its path or query is the receiver's access
 * key): an error names the config field and the secret's name, never the URL or any part of it.
 *
 * - https only: a webhook URL sent over http:// gives its key, and every notification, to anyone
 *   on the path. The tests' and the simulator's receivers are HTTPS on 127.0.0.1 with the local
 *   CA, so loopback needs no exception.
 * - no `user:pass@`: credentials in a URL end up in proxies' logs; and fetch refuses them anyway,
 *   only later and with a bare "TypeError".
 * - no link-local or unspecified host (169.254.0.0/16 — the cloud metadata endpoint
 *   169.254.169.254 —, fe80::/10, 0.0.0.0, ::): a webhook is never there, and a monitor running
 *   with a managed identity must not be made to post to its own metadata service. A name is
 *   checked again where it matters, on every address DNS gives for it as the connection is made
 *   (channels/guarded-lookup.ts).
 *
 * Redirects are not followed either (channel.ts): a receiver that moved says so as an error.
 */

export class ChannelUrlError extends Error {
  override name = 'ChannelUrlError';
}

// WHATWG URL normalises every IPv4 spelling (0xa9fea9fe, 2852039166) to dotted decimal first.
const LINK_LOCAL_V4 = /^169\.254\.\d+\.\d+$/;
const UNSPECIFIED_V4 = /^0\.0\.0\.0$/;

/**
 * What a host name or address is, when no notification receiver can be there (undefined
 * otherwise). Used on the URL's host when it is read, and on every address DNS gives for it when
 * a notification is sent (channels/guarded-lookup.ts): a name can resolve to the metadata address.
 */
export function forbiddenHost(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1] ?? host;
  if (LINK_LOCAL_V4.test(v4) || /^fe[89ab][0-9a-f]?:/.test(host)) return 'a link-local address (such as the cloud metadata endpoint 169.254.169.254)';
  if (UNSPECIFIED_V4.test(v4) || host === '::') return 'the unspecified address';
  if (host === 'metadata.google.internal' || host === 'metadata') return 'a cloud metadata host';
  return undefined;
}

/**
 * The URL to send to, or a ChannelUrlError naming `field` (e.g. `notify.channels[0].url (Key Vault
 * secret hook-url)`). Surrounding whitespace never gets here: the secret reader refuses it.
 */
export function checkChannelUrl(text: string, field: string): string {
  const fail = (why: string) => new ChannelUrlError(`${field}: ${why}; the URL itself is not shown, it is a secret`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(text)) throw fail('holds spaces or control characters, so it is not one URL');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail('is not a URL (expected https://…)');
  }
  if (url.protocol !== 'https:') throw fail(`must be an https:// URL, not ${/^[a-z][a-z0-9+.-]{0,15}:$/.test(url.protocol) ? `${url.protocol}//` : 'this scheme'} (notifications and the URL's key would travel unencrypted or nowhere)`);
  if (url.username || url.password) throw fail('must not hold a user name or password (user:pass@): put the receiver\'s key in its path or query, as webhook URLs do');
  const forbidden = forbiddenHost(url.hostname);
  if (forbidden) throw fail(`points at ${forbidden}, where no notification receiver is`);
  return url.href;
}
