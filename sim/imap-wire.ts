/**
 * IMAP wire helpers for the scripted Exchange double: split the client's byte stream into command
 * texts (literals included, RFC 9051 section 4.3 / LITERAL+ RFC 7888), tokenize a command, and
 * format the few data types the server writes. Only what imapflow and the probe actually send.
 */

/** An argument: atom or string, NIL as null, a parenthesized list as an array. */
export type ImapArg = string | null | ImapArg[];

export interface ImapCommand {
  tag: string;
  /** Upper-cased; `UID FETCH` / `UID SEARCH` keep the UID prefix. */
  name: string;
  args: ImapArg[];
}

const MAX_COMMAND_BYTES = 1024 * 1024; // a real Entra token is ~2.5 KB; anything this big is abuse

/**
 * Collects bytes until one command is complete. A line ending in `{n}` announces a literal of n
 * bytes that belongs to the same command; without `+` the client waits for a continuation first.
 */
export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private size = 0;
  private literalLeft = 0;

  constructor(
    private readonly onText: (text: string) => void,
    private readonly onSyncLiteral: () => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.literalLeft > 0) {
        if (!this.buf.length) return;
        const take = this.buf.subarray(0, this.literalLeft);
        this.add(take);
        this.literalLeft -= take.length;
        this.buf = this.buf.subarray(take.length);
        continue;
      }
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.size + this.buf.length > MAX_COMMAND_BYTES) this.onOverflow();
        return;
      }
      const line = this.buf.subarray(0, nl + 1);
      this.buf = this.buf.subarray(nl + 1);
      this.add(line);
      const literal = /\{(\d+)(\+?)\}\r?\n$/.exec(line.toString('latin1'));
      if (literal) {
        this.literalLeft = Number(literal[1]);
        if (!literal[2]) this.onSyncLiteral();
        continue;
      }
      const text = Buffer.concat(this.parts).toString('latin1').replace(/\r?\n$/, '');
      this.parts = [];
      this.size = 0;
      this.onText(text);
    }
  }

  private add(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
    if (this.size > MAX_COMMAND_BYTES) this.onOverflow();
  }
}

/** Tokenizes `args` (everything after the command name). Throws on malformed input. */
export function parseArgs(text: string): ImapArg[] {
  let pos = 0;
  const parseList = (closing: string | null): ImapArg[] => {
    const out: ImapArg[] = [];
    for (;;) {
      while (text[pos] === ' ') pos++;
      if (pos >= text.length) {
        if (closing) throw new Error('unterminated list');
        return out;
      }
      const ch = text[pos]!;
      if (ch === ')') {
        if (closing !== ')') throw new Error('unexpected )');
        pos++;
        return out;
      }
      if (ch === '(') {
        pos++;
        out.push(parseList(')'));
      } else if (ch === '"') {
        let value = '';
        pos++;
        while (pos < text.length && text[pos] !== '"') {
          if (text[pos] === '\\') pos++;
          value += text[pos++];
        }
        if (pos >= text.length) throw new Error('unterminated string');
        pos++;
        out.push(value);
      } else if (ch === '{') {
        const m = /^\{(\d+)\+?\}\r?\n/.exec(text.slice(pos));
        if (!m) throw new Error('bad literal');
        pos += m[0].length;
        out.push(text.slice(pos, pos + Number(m[1])));
        pos += Number(m[1]);
      } else {
        // Atoms end at space or paren, except inside [] (BODY[HEADER.FIELDS (FROM)]).
        let depth = 0;
        const start = pos;
        while (pos < text.length) {
          const c = text[pos]!;
          if (c === '[') depth++;
          else if (c === ']') depth--;
          else if (depth === 0 && (c === ' ' || c === '(' || c === ')')) break;
          pos++;
        }
        const atom = text.slice(start, pos);
        out.push(atom.toUpperCase() === 'NIL' ? null : atom);
      }
    }
  };
  return parseList(null);
}

/** Splits `tag NAME args`; null when there is not even a tag and a name. */
export function parseCommand(text: string): ImapCommand | null {
  const m = /^([^\s(){%*"\\\]]+) ([A-Za-z]+)(?: (.*))?$/s.exec(text);
  if (!m) return null;
  let name = m[2]!.toUpperCase();
  let rest = m[3] ?? '';
  if (name === 'UID') {
    const sub = /^([A-Za-z]+)(?: (.*))?$/s.exec(rest);
    if (!sub) return null;
    name = `UID ${sub[1]!.toUpperCase()}`;
    rest = sub[2] ?? '';
  }
  return { tag: m[1]!, name, args: parseArgs(rest) };
}

/** A mailbox name as Exchange writes it: bare when it is an atom, quoted otherwise. */
export function astring(value: string): string {
  return /^[A-Za-z0-9_.\-/&+]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** Expands a sequence set (`1:3,5,7:*`) against the highest number; `*` is `max`. */
export function parseSequenceSet(set: string, max: number): number[] {
  const picked = new Set<number>();
  for (const range of set.split(',')) {
    const [a, b = a] = range.split(':');
    const num = (s: string | undefined): number => (s === '*' ? max : Number(s));
    const lo = Math.min(num(a), num(b));
    const hi = Math.max(num(a), num(b));
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1) throw new Error(`bad sequence set ${set}`);
    for (let n = lo; n <= Math.min(hi, max); n++) picked.add(n);
  }
  return [...picked].sort((x, y) => x - y);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMAP date-time (RFC 9051 `date-time`), in UTC: `"27-Nov-2026 06:08:00 +0000"`. */
export function imapDateTime(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `"${p(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(
    date.getUTCMinutes(),
  )}:${p(date.getUTCSeconds())} +0000"`;
}
