/**
 * The field types of the configuration, each with bounds and a message in plain words. A value
 * is never echoed whole: it may be huge, or be a secret pasted into the wrong field.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Deliberately simple: a local part, an @ and a dotted domain. Exchange decides the rest.
const EMAIL = /^[^\s@"()<>,;:\\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const HOSTNAME = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/**
 * Characters no config text may hold (#16.8): C0 controls and DEL (a line break in a folder name
 * ends the IMAP command early, U+0001 is XOAUTH2's field separator, ESC drives a terminal), C1
 * controls (U+009B is a one-byte ESC [), and the invisible direction marks and overrides
 * (U+061C, U+200E/F, U+202A–E, U+2066–9) that make a table or a remedy read other than it is,
 * plus the line and paragraph separators U+2028/9. One class, used by every text field.
 */
const UNSAFE_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069';
export const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`);
const UNSAFE_G = new RegExp(`[${UNSAFE_CLASS}]`, 'g');
/** No unsafe character: a pattern, so the published JSON Schema checks it in editors too. */
const SAFE = new RegExp(`^[^${UNSAFE_CLASS}]*$`);

/** "U+202E at character 7": which invisible character, and where. */
export function unsafeAt(value: string): string {
  const at = value.search(UNSAFE);
  return at < 0 ? '' : `U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at character ${at + 1}`;
}

/** The field's refusal of an unsafe character, saying which and where. */
export const noUnsafe = (what: string) => ({
  abort: true,
  error: (issue: { input?: unknown }) =>
    `must not contain control or direction-changing characters (line breaks, tabs, escape codes, bidi overrides and other invisible characters) in ${what}${typeof issue.input === 'string' && unsafeAt(issue.input) ? `: found ${unsafeAt(issue.input)}` : ''}`,
});

/**
 * A short, inert rendering of a value for a message: the start of it, never all of a long one,
 * with every unsafe character escaped (JSON.stringify escapes C0 and lone surrogates, but leaves
 * C1 and bidi controls as they are).
 */
export function excerpt(value: string, max = 60): string {
  const shown = JSON.stringify(value.length > max ? value.slice(0, max) : value)
    .slice(1, -1)
    .replace(UNSAFE_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return value.length > max ? `${shown}… (${value.length.toLocaleString('en-US')} characters)` : shown;
}

// Grouped only when long: "300,000 milliseconds" reads better, "65,535" is not how a port is written.
export const fmt = (n: number) => (n >= 100_000 ? n.toLocaleString('en-US') : String(n));

/** A whole number in [min, max]; every way of missing it gets the same plain sentence. */
export function wholeNumber(min: number, max: number, unit = '') {
  const range = `must be a whole number from ${fmt(min)} to ${fmt(max)}${unit}`;
  return z
    .number({ error: (issue) => (issue.input === undefined ? undefined : `${range}, not ${kindOf(issue.input)}`) })
    .int({ error: range })
    .min(min, { error: range })
    .max(max, { error: range });
}

/** "a string", "an array"... for messages that say what was found instead. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? (Number.isInteger(value) ? 'a whole number' : 'a fraction') : 'an infinite number';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

const text = (max: number, what: string) =>
  z
    .string()
    .max(max, { error: `must be at most ${fmt(max)} characters long`, abort: true })
    .regex(SAFE, noUnsafe(what));

export const guid = (what: string) => z.string().regex(GUID, `must be the ${what}, a GUID like 00000000-0000-0000-0000-000000000000`);
export const id = z.string().regex(ID, 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
export const address = z
  .string()
  .max(254, { error: 'must be an e-mail address of at most 254 characters', abort: true })
  // Before the shape: U+0001 in an address went into the XOAUTH2 string as a field separator.
  .regex(SAFE, noUnsafe('an e-mail address'))
  .regex(EMAIL, 'must be an e-mail address like invoices@contoso.com')
  .refine((value) => value.indexOf('@') <= 64, 'must have at most 64 characters before the @');
export const host = z
  .string()
  .max(253, { error: 'must be a host name of at most 253 characters', abort: true })
  .refine((value) => HOSTNAME.test(value) || isIP(value) !== 0, 'must be a host name or IP address, without scheme or port');
export const port = wholeNumber(1, 65535);
export const folder = text(255, 'a folder name').min(1, 'must not be empty');
export const displayName = text(256, 'a display name');
/** Why a mailbox is in maintenance: shown on the status page and in results, so short and one line. */
export const maintenanceReason = text(200, 'a maintenance reason').refine((value) => value.trim() !== '', 'must not be empty: say why (e.g. "Exchange migration, ticket CHG-1234")');

/**
 * An https:// base URL: scheme, host and port only, because the code appends its own paths. A
 * path usually means a pasted Secret Identifier or portal link, so the message says what it was.
 */
export function baseUrl(example: string, pathHint: string) {
  return z
    .string()
    .max(2048, { error: 'must be a URL of at most 2,048 characters', abort: true })
    .regex(SAFE, noUnsafe('a URL'))
    .superRefine((value, ctx) => {
      const problem = baseUrlProblem(value, example, pathHint);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => value.replace(/\/+$/, ''));
}

function baseUrlProblem(value: string, example: string, pathHint: string): string | undefined {
  if (!URL.canParse(value)) return `must be an https:// URL like ${example}`;
  const url = new URL(value);
  if (url.protocol !== 'https:') return `must be an https:// URL like ${example}`;
  // The credentials themselves are never repeated: they may be real.
  if (url.username || url.password) return `must not contain a user name or password (user:password@): give only ${url.protocol}//${url.host}`;
  if (url.search || url.hash) return `must be scheme and host only, like ${example}: remove the ${url.search ? 'query (?…)' : 'fragment (#…)'}`;
  if (url.pathname !== '/' && url.pathname !== '') return `must be scheme and host only, like ${example}: it has the path "${excerpt(url.pathname)}"${pathHint}`;
  return undefined;
}
