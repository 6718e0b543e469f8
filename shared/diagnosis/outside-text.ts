/**
 * The one rule for a text that comes from outside (a server's reply, a Graph field, a webhook
 * receiver's body, a config value): it enters the engine bounded, and it leaves through a human
 * output inert. Two steps, because the outputs differ:
 *
 * - `clipText` / `outsideText` at the source, where the text enters: every output after that is
 *   bounded, JSON included. The cut never ends inside a long word (see clipText).
 * - `inert` / `inertLine` where a text is shown to a person (CLI table and text, chat and e-mail
 *   notifications): control characters are escaped visibly (`\x1b`, `\u202e`), so a server cannot
 *   clear the screen, set the window title, plant an OSC 8 hyperlink or reorder a line with a
 *   bidirectional override. JSON outputs keep the exact text: their consumers get what was said
 *   (JSON.stringify escapes C0 itself).
 */

/** How much of one outside text is kept: a line of context, never a flood (IMAP replies use the same). */
export const OUTSIDE_TEXT_CHARS = 300;

/**
 * The start of a server's text, at most `max` characters, never ending inside a long word: a cut
 * through a token or an XOAUTH2 string a server echoed would leave a piece the redactor cannot
 * recognise (it matches whole values), so the cut word goes entirely.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  // `%` counts as part of a word: a percent-encoded value (a form body echoed back) is one word too.
  return `${text.slice(0, max).replace(/[A-Za-z0-9+/=_.~%-]+$/, '')}…`;
}

/** Any outside value as a bounded string (a number or null from a JSON answer included). */
export function outsideText(value: unknown, max = OUTSIDE_TEXT_CHARS): string {
  return clipText(typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value), max);
}

/**
 * What a terminal, a chat client or a mail reader would act on instead of showing: C0 controls
 * (but tab and newline), DEL, C1 controls (U+0080–U+009F; U+009B is a one-byte CSI on some
 * terminals), the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 * the invisible marks (U+200B–U+200F, U+061C, U+FEFF) and the Unicode line separators
 * (U+2028, U+2029), which some renderers break lines on.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const escaped = (c: string): string => {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** The text as a person may see it: every unsafe character written out (`\x1b`, `\u202e`); lines kept. */
export function inert(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** One line of a table or a header: newlines and tabs written out too. */
export function inertLine(text: string): string {
  return text.replace(UNSAFE_OR_NEWLINE, escaped);
}

/** Whether a text holds anything `inert` would escape (for tests and assertions). */
export function hasUnsafeCharacters(text: string): boolean {
  return new RegExp(UNSAFE.source).test(text);
}

/**
 * A copy of `value` with every string in it made inert as one line (`inertLine`): what a human
 * renderer (the CLI table, a chat card, an e-mail) works from, so no field is forgotten, today's
 * or one added later. The JSON outputs keep the original.
 */
export function inertStrings<T>(value: T): T {
  if (typeof value === 'string') return inertLine(value) as T;
  if (Array.isArray(value)) return value.map((v) => inertStrings(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inertStrings(v)])) as T;
  }
  return value;
}
