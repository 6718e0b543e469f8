import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../shared/config/config-error';
import { configJsonSchema } from '../../shared/config/json-schema';
import { loadConfigFile, loadConfigFromSetting, parseConfig, parseConfigText } from '../../shared/config/load';
import { planRun } from '../../shared/run/plan';
import { problems } from './config-problems';

const TENANT = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';

const valid = () => ({
  keyVaultUrl: 'https://contoso-kv.vault.azure.net',
  apps: [{ id: 'logicaldoc', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultSecret: 'logicaldoc-imap-secret' } }],
  mailboxes: [
    { id: 'invoices', address: 'invoices@contoso.com', app: 'logicaldoc' },
    { id: 'hr', address: 'hr@contoso.com', app: 'logicaldoc', folder: 'Scans' },
  ],
});

describe('config validation', () => {
  it('accepts the documented example and applies the defaults', () => {
    const config = parseConfig(valid(), 'test.json');
    expect(config.cloud).toBe('public');
    expect(config.defaults).toEqual({ port: 993, folder: 'INBOX' });
    expect(config.thresholds.secretExpiryDays).toBe(30);
    expect(config.concurrency).toBe(64);
    const plan = planRun(config);
    expect(plan.mailboxes.map((m) => [m.id, m.host, m.port, m.folder])).toEqual([
      ['invoices', 'outlook.office365.com', 993, 'INBOX'],
      ['hr', 'outlook.office365.com', 993, 'Scans'],
    ]);
    expect(plan.mailboxes[0]!.app.secret).toEqual({ vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'logicaldoc-imap-secret', version: undefined });
  });

  // Each bad fixture maps to the path and problem it must report (blackbox_exporter's table test).
  const cases: [string, (c: ReturnType<typeof valid> & Record<string, unknown>) => void, string, RegExp][] = [
    ['unknown top-level key', (c) => (c.mailboxs = []), '$.mailboxs', /not a known field/],
    ['unknown app key', (c) => ((c.apps[0] as Record<string, unknown>).secret = 'x'), '$.apps[0].secret', /not a known field/],
    ['tenant id not a GUID', (c) => (c.apps[0]!.tenantId = 'contoso.onmicrosoft.com'), '$.apps[0].tenantId', /GUID/],
    ['client id not a GUID', (c) => (c.apps[0]!.clientId = '42'), '$.apps[0].clientId', /application \(client\) id/],
    ['bad address', (c) => (c.mailboxes[0]!.address = 'invoices'), '$.mailboxes[0].address', /e-mail address/],
    ['missing address', (c) => delete (c.mailboxes[0] as Partial<(typeof c.mailboxes)[0]>).address, '$.mailboxes[0].address', /required/],
    ['unknown app reference', (c) => (c.mailboxes[1]!.app = 'nope'), '$.mailboxes[1].app', /"nope", which is not in \$.apps \(known: logicaldoc\)/],
    ['duplicate mailbox id', (c) => (c.mailboxes[1]!.id = 'invoices'), '$.mailboxes[1].id', /duplicate mailbox id "invoices"/],
    ['duplicate app id', (c) => c.apps.push({ ...c.apps[0]! }), '$.apps[1].id', /duplicate app id/],
    ['no vault for a vault secret', (c) => delete (c as Partial<typeof c>).keyVaultUrl, '$.apps[0].credential.keyVaultUrl', /required/],
    ['http vault', (c) => (c.keyVaultUrl = 'http://contoso-kv.vault.azure.net'), '$.keyVaultUrl', /https/],
    ['credential shape', (c) => ((c.apps[0] as Record<string, unknown>).credential = { secret: 'x' }), '$.apps[0].credential', /keyVaultSecret.*env/],
    ['cloud name', (c) => (c.cloud = 'mars'), '$.cloud', /public.*usgov.*china/],
    ['port range', (c) => ((c.mailboxes[0] as Record<string, unknown>).port = 70000), '$.mailboxes[0].port', /65535/],
    ['port type', (c) => ((c.mailboxes[0] as Record<string, unknown>).port = '993'), '$.mailboxes[0].port', /must be a whole number from 1 to 65535, not a string/],
    ['no mailboxes', (c) => (c.mailboxes = []), '$.mailboxes', /at least one mailbox/],
    ['host with scheme', (c) => ((c.mailboxes[0] as Record<string, unknown>).host = 'imaps://outlook.office365.com'), '$.mailboxes[0].host', /without scheme/],
  ];
  it.each(cases)('rejects %s', (_name, mutate, path, message) => {
    const config = valid() as ReturnType<typeof valid> & Record<string, unknown>;
    mutate(config);
    const found = problems(config);
    expect(found[path]).toMatch(message);
  });

  it('reports every problem at once, shape and references together', () => {
    const config = valid() as ReturnType<typeof valid> & Record<string, unknown>;
    config.apps[0]!.tenantId = 'x';
    config.mailboxes[0]!.app = 'missing';
    config.extra = true;
    expect(Object.keys(problems(config)).sort()).toEqual(['$.apps[0].tenantId', '$.extra', '$.mailboxes[0].app']);
  });

  it('accepts env credentials, per-app vaults, versions and an explicit cloud', () => {
    const config = parseConfig(
      {
        cloud: { authorityHost: 'https://login.example.test/', imapResource: 'https://imap.example.test' },
        apps: [
          { id: 'a', tenantId: TENANT, clientId: CLIENT, credential: { env: 'A_SECRET' } },
          { id: 'b', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultSecret: 's', version: 'a'.repeat(32), keyVaultUrl: 'https://kv.example.test' } },
        ],
        mailboxes: [{ id: 'm', address: 'm@example.test', app: 'b', host: '127.0.0.1', port: 1993 }],
      },
      'test.json',
    );
    const plan = planRun(config);
    expect(plan.cloud).toEqual({ name: 'custom', authorityHost: 'https://login.example.test', imapResource: 'https://imap.example.test', imapHost: 'imap.example.test', graphUrl: null, graphResource: null });
    expect(plan.mailboxes[0]!.app.secret).toEqual({ vaultUrl: 'https://kv.example.test', name: 's', version: 'a'.repeat(32) });
  });

  it('resolves the national clouds', () => {
    const gov = planRun(parseConfig({ ...valid(), cloud: 'usgov' }, 't'));
    expect([gov.cloud.authorityHost, gov.mailboxes[0]!.host]).toEqual(['https://login.microsoftonline.us', 'outlook.office365.us']);
    const china = planRun(parseConfig({ ...valid(), cloud: 'china' }, 't'));
    expect([china.cloud.authorityHost, china.cloud.imapResource]).toEqual(['https://login.chinacloudapi.cn', 'https://partner.outlook.cn']);
  });

  it('narrows the plan to --mailbox ids and rejects unknown ones', () => {
    const config = parseConfig(valid(), 't');
    expect(planRun(config, ['hr']).mailboxes.map((m) => m.id)).toEqual(['hr']);
    expect(() => planRun(config, ['nope'])).toThrow(/no such mailbox id in the config: nope \(known: invoices, hr\)/);
  });

  it('loads from a file and from the app setting, naming the source in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
    const file = join(dir, 'mailboxes.json');
    writeFileSync(file, JSON.stringify(valid()));
    expect(loadConfigFile(file).mailboxes).toHaveLength(2);
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/missing\.json is not a valid configuration:\n {2}\$: file not found/);
    writeFileSync(file, '{ "apps": [');
    expect(() => loadConfigFile(file)).toThrow(/\$: is not valid JSON/);
    expect(loadConfigFromSetting({ MAILBOX_HEALTH_CONFIG: JSON.stringify(valid()) }).apps[0]!.id).toBe('logicaldoc');
    expect(() => loadConfigFromSetting({})).toThrow(/app setting MAILBOX_HEALTH_CONFIG.*is not set/s);
    expect(() => parseConfigText('[]', 'x')).toThrow(ConfigError);
  });

  it('publishes a JSON Schema generated from the same source, committed as mailboxes.schema.json', () => {
    const schema = configJsonSchema();
    const committed = JSON.parse(readFileSync(join(__dirname, '../../mailboxes.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object)).toEqual(expect.arrayContaining(['cloud', 'keyVaultUrl', 'defaults', 'thresholds', 'apps', 'mailboxes']));
  });
});
