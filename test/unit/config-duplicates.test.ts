/**
 * Issue 16 item 7: a repeated key is refused, never resolved in favour of the last one. JSON.parse
 * kept the second "mailboxes" list (ten mailboxes silently unmonitored) and a mailbox's second
 * "address"; the same config through the app setting did the same.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../shared/config/config-error';
import { loadConfigFile, loadConfigFromSetting, parseConfigText } from '../../shared/config/load';

const app = '{"id": "a", "tenantId": "11111111-1111-1111-1111-111111111111", "clientId": "22222222-2222-2222-2222-222222222222", "credential": {"env": "S"}}';
const mailbox = (i: number) => `{"id": "m${i}", "address": "m${i}@contoso.com", "app": "a"}`;
const ten = Array.from({ length: 10 }, (_, i) => mailbox(i)).join(',\n    ');

/** Ten mailboxes, then (when `twice`) a second "mailboxes" key holding one more. */
const twoLists = (twice: boolean) => `{\n  "apps": [${app}],\n  "mailboxes": [\n    ${ten}\n  ]${twice ? `,\n  "mailboxes": [${mailbox(10)}]` : ''}\n}\n`;
const twoAddresses = (twice: boolean) => `{"apps": [${app}], "mailboxes": [${mailbox(0)}, {"id": "m1", "address": "m1@contoso.com",${twice ? ' "addr\\u0065ss": "other@contoso.com",' : ''} "app": "a"}]}`;

function problemsOf(load: () => unknown): { path: string; message: string }[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
}

describe('#16.7 duplicate keys', () => {
  it('#16.7 the twin: the same config with each key once is valid and monitors all its mailboxes', () => {
    expect(parseConfigText(twoLists(false), 'test.json').mailboxes).toHaveLength(10);
    expect(parseConfigText(twoAddresses(false), 'test.json').mailboxes[1]!.address).toBe('m1@contoso.com');
  });

  it('#16.7 two "mailboxes" keys are refused naming $.mailboxes and both lines, from a file and from the app setting', () => {
    const expected = [{ path: '$.mailboxes', message: 'is given twice in the same object (lines 3 and 15): JSON would silently keep only the last; remove one' }];
    const file = join(mkdtempSync(join(tmpdir(), 'dup-keys-')), 'mailboxes.json');
    writeFileSync(file, twoLists(true));
    expect(problemsOf(() => loadConfigFile(file))).toEqual(expected);
    expect(problemsOf(() => loadConfigFromSetting({ MAILBOX_HEALTH_CONFIG: twoLists(true) }))).toEqual(expected);
  });

  it('#16.7 a mailbox with two "address" keys (one written with an escape) is refused at its path', () => {
    expect(problemsOf(() => parseConfigText(twoAddresses(true), 'test.json'))).toEqual([
      { path: '$.mailboxes[1].address', message: 'is given twice in the same object (both on line 1): JSON would silently keep only the last; remove one' },
    ]);
  });

  it('#16.7 equal keys in different objects are not duplicates', () => {
    // Every mailbox has its own "id" and "address": only a repeat within one object counts.
    expect(parseConfigText(twoLists(false), 'test.json').mailboxes.map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });
});
