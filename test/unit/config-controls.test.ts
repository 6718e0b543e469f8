/**
 * Issue 16 item 8: config texts are inert. An address with U+0001 (XOAUTH2's field separator)
 * went into the XOAUTH2 string; ESC, NUL and bidi overrides reached tables and remedies; folder
 * names refused C0 controls but let C1 (U+009B, a one-byte "ESC [") through. Every config string
 * that reaches an output or a protocol refuses C0, C1 and direction controls, naming its path
 * and the character; the published JSON Schema carries the same rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../shared/config/config-error';
import { excerpt } from '../../shared/config/fields';
import { parseConfig } from '../../shared/config/load';

const valid = () => ({
  keyVaultUrl: 'https://contoso-kv.vault.azure.net',
  apps: [{ id: 'logicaldoc', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', displayName: 'LogicalDOC import', credential: { keyVaultSecret: 'logicaldoc-imap-secret' } }],
  defaults: { folder: 'INBOX' },
  mailboxes: [{ id: 'invoices', address: 'invoices@contoso.com', app: 'logicaldoc', folder: 'Scans/2026' }],
  notify: { channels: [{ type: 'email' as const, id: 'ops', from: 'monitor@contoso.com', to: ['ops@contoso.com'] }] },
});
type Config = ReturnType<typeof valid>;

function problems(mutate: (c: Config) => void): string[] {
  const config = valid();
  mutate(config);
  try {
    parseConfig(config, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

const REFUSAL = 'must not contain control or direction-changing characters (line breaks, tabs, escape codes, bidi overrides and other invisible characters) in';

// [field path, setter, what the message calls it]
const FIELDS: [string, (c: Config, v: string) => void, string][] = [
  ['$.mailboxes[0].address', (c, v) => (c.mailboxes[0]!.address = v), 'an e-mail address'],
  ['$.mailboxes[0].folder', (c, v) => (c.mailboxes[0]!.folder = v), 'a folder name'],
  ['$.defaults.folder', (c, v) => (c.defaults.folder = v), 'a folder name'],
  ['$.apps[0].displayName', (c, v) => (c.apps[0]!.displayName = v), 'a display name'],
  ['$.notify.channels[0].from', (c, v) => (c.notify.channels[0]!.from = v), 'an e-mail address'],
  ['$.notify.channels[0].to[0]', (c, v) => (c.notify.channels[0]!.to[0] = v), 'an e-mail address'],
];

// [name, character, where it is put in "invoices@contoso.com" / "Scans/2026" / …: after the first 3 characters]
const CHARACTERS: [string, string][] = [
  ['U+0001 (the XOAUTH2 separator)', '\u0001'],
  ['U+0000 (NUL)', '\u0000'],
  ['U+001B (ESC)', '\u001b'],
  ['U+009B (C1 CSI)', '\u009b'],
  ['U+0085 (C1 next line)', '\u0085'],
  ['U+202E (right-to-left override)', '\u202e'],
  ['U+2066 (left-to-right isolate)', '\u2066'],
  ['U+200F (right-to-left mark)', '\u200f'],
  ['U+2028 (line separator)', '\u2028'],
];

describe('#16.8 config texts refuse control and direction characters', () => {
  it('#16.8 the twin: the same fields with ordinary text, accents and non-Latin scripts are valid', () => {
    expect(problems((c) => {
      c.apps[0]!.displayName = 'Ŝcans — 請求書 (Gäste)';
      c.mailboxes[0]!.folder = 'Posteingang/Rechnungen 2026 ✓';
    })).toEqual([]);
  });

  for (const [name, char] of CHARACTERS) {
    it(`#16.8 ${name} is refused in every text field, naming the path and the character`, () => {
      const code = `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      for (const [path, set, what] of FIELDS) {
        const original = path.includes('address') || path.endsWith('from') || path.includes('to[') ? 'inv@contoso.com' : 'Inb/x';
        const value = original.slice(0, 3) + char + original.slice(3);
        expect([path, problems((c) => set(c, value))]).toEqual([path, [`${path}: ${REFUSAL} ${what}: found ${code} at character 4`]]);
      }
    });
  }

  it('#16.8 a URL with a bidi override is refused at its path', () => {
    expect(problems((c) => (c.keyVaultUrl = 'https://contoso\u202e-kv.vault.azure.net'))).toEqual([`$.keyVaultUrl: ${REFUSAL} a URL: found U+202E at character 16`]);
  });

  it('#16.8 an echoed value never carries the character itself: excerpt escapes C1 and bidi controls', () => {
    expect(excerpt('a\u009b31mb\u202ec')).toBe('a\\u009b31mb\\u202ec');
    expect(excerpt('plain')).toBe('plain');
  });

  it('#16.8 the published JSON Schema (mailboxes.schema.json) refuses them too, for editors', () => {
    const schema = readFileSync(join(__dirname, '../../mailboxes.schema.json'), 'utf8');
    const address = JSON.parse(schema).properties.mailboxes.items.properties.address;
    const patterns: string[] = [address.pattern, ...(address.allOf ?? []).map((p: { pattern: string }) => p.pattern)].filter(Boolean);
    const accepts = (value: string) => patterns.every((p) => new RegExp(p, 'u').test(value));
    expect(accepts('invoices@contoso.com')).toBe(true);
    expect(accepts('inv\u0001oices@contoso.com')).toBe(false);
    expect(accepts('inv\u202eoices@contoso.com')).toBe(false);
  });
});
