/**
 * Broken configurations, each with the exact problems the CLI must report for it (issue 10's
 * bad-input table; the cases named #11.N are issue 11's items). A case is a mutation of a valid
 * configuration, raw file content, or a path that is not a regular file.
 */
const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';

export type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const validConfig = (): Loose => ({
  keyVaultUrl: 'https://contoso-kv.vault.azure.net',
  apps: [{ id: 'logicaldoc', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultSecret: 'logicaldoc-imap-secret' } }],
  mailboxes: [
    { id: 'invoices', address: 'invoices@contoso.com', app: 'logicaldoc' },
    { id: 'hr', address: 'hr@contoso.com', app: 'logicaldoc', folder: 'Scans' },
  ],
});

export type Input = { mutate: (c: Loose) => void } | { text: string | Buffer } | { path: string } | { build: () => string | Buffer };

export interface BadCase {
  name: string;
  input: Input;
  /** The problem lines after the headline, without their two-space indent. */
  problems: string[];
}

const mutate = (fn: (c: Loose) => void): Input => ({ mutate: fn });
const text = (t: string | Buffer): Input => ({ text: t });

export const BAD_CONFIGS: BadCase[] = [
  // Not JSON at all, or not the JSON we need (#11.15: line:column and the usual reason named).
  { name: 'an empty file', input: text(''), problems: ['$: is empty: expected the configuration JSON, an object {…}'] },
  { name: 'only whitespace', input: text(' \n\t\n'), problems: ['$: is empty: expected the configuration JSON, an object {…}'] },
  { name: 'plain text, not JSON', input: text('apps: logicaldoc\n'), problems: ['$: is not valid JSON at line 1, column 1: unexpected character (text outside quotes?)'] },
  { name: '#11.15 a // comment', input: text('{\n  // the vault\n  "keyVaultUrl": "https://kv.vault.azure.net"\n}'), problems: ['$: is not valid JSON at line 2, column 3: comments (// or /* */) are not allowed in JSON'] },
  { name: '#11.15 a trailing comma', input: text('{\n  "apps": [],\n}'), problems: ['$: is not valid JSON at line 3, column 1: a trailing comma before } is not allowed in JSON'] },
  { name: '#11.15 single quotes', input: text("{ 'apps': [] }"), problems: ['$: is not valid JSON at line 1, column 3: strings and field names need double quotes ("), not single quotes (\')'] },
  { name: 'JSON cut short', input: text('{ "apps": [\n'), problems: ['$: is not valid JSON at line 2, column 1: the text ends before the JSON does (a missing } or ]?)'] },
  { name: '#11.15 UTF-16 with a BOM (Windows "Unicode")', input: text(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"apps": []}', 'utf16le')])), problems: ['$: is UTF-16 encoded (Windows "Unicode"): save it as UTF-8'] },
  { name: 'UTF-8 with a BOM and a comment', input: text('\uFEFF/* x */ {}'), problems: ['$: is not valid JSON at line 1, column 1: comments (// or /* */) are not allowed in JSON'] },
  { name: 'a top-level array', input: text('[]'), problems: ['$: must be an object, not an array'] },
  { name: 'a top-level null', input: text('null'), problems: ['$: must be an object, not null'] },
  { name: '100k-deep nesting', input: { build: () => '['.repeat(100_000) + ']'.repeat(100_000) }, problems: ['$: must be an object, not an array'] },
  { name: '#11.6 a 50 MB file', input: { build: () => Buffer.alloc(50 * 1024 * 1024, 0x20) }, problems: ['$: is too large (52,428,800 bytes; a configuration is at most 10,485,760 bytes)'] },
  { name: '#11.6 a device (/dev/zero)', input: { path: '/dev/zero' }, problems: ['$: is a device, not a regular file: save the configuration to a file and give its path'] },
  { name: 'a directory', input: { path: '/' }, problems: ['$: is a directory, not a file: give the path of the configuration JSON file (e.g. mailboxes.json)'] },

  // Shape: wrong types, unknown keys, missing fields.
  { name: 'an unknown top-level key', input: mutate((c) => (c.mailboxs = [])), problems: ['$.mailboxs: is not a known field (check its spelling)'] },
  { name: 'an unknown app key', input: mutate((c) => (c.apps[0].secret = 'x')), problems: ['$.apps[0].secret: is not a known field (check its spelling)'] },
  { name: 'a misspelt mailbox field', input: mutate((c) => ((c.mailboxes[0].adress = c.mailboxes[0].address), delete c.mailboxes[0].address)), problems: ['$.mailboxes[0].address: is required (a string)', '$.mailboxes[0].adress: is not a known field (check its spelling)'] },
  { name: 'no apps', input: mutate((c) => delete c.apps), problems: ['$.apps: is required (an array)'] },
  { name: 'an empty app list', input: mutate((c) => (c.apps = [])), problems: ['$.apps: must list at least one app'] },
  { name: '#11.15 mailboxes as an object', input: mutate((c) => (c.mailboxes = { invoices: {} })), problems: ['$.mailboxes: must be an array, not an object'] },
  { name: '#11.15 defaults as an array', input: mutate((c) => (c.defaults = [])), problems: ['$.defaults: must be an object, not an array'] },
  { name: 'a tenant id that is a domain', input: mutate((c) => (c.apps[0].tenantId = 'contoso.onmicrosoft.com')), problems: ['$.apps[0].tenantId: must be the directory (tenant) id, a GUID like 00000000-0000-0000-0000-000000000000'] },
  { name: 'a client id that is not a GUID', input: mutate((c) => (c.apps[0].clientId = '42')), problems: ['$.apps[0].clientId: must be the application (client) id, a GUID like 00000000-0000-0000-0000-000000000000'] },
  { name: 'an address without a domain', input: mutate((c) => (c.mailboxes[0].address = 'invoices')), problems: ['$.mailboxes[0].address: must be an e-mail address like invoices@contoso.com'] },
  { name: '#11.17 a 100,000-character address', input: mutate((c) => (c.mailboxes[0].address = `${'a'.repeat(100_000)}@contoso.com`)), problems: ['$.mailboxes[0].address: must be an e-mail address of at most 254 characters'] },
  { name: '#11.17 a local part over 64 characters', input: mutate((c) => (c.mailboxes[0].address = `${'a'.repeat(65)}@contoso.com`)), problems: ['$.mailboxes[0].address: must have at most 64 characters before the @'] },
  { name: '#11.17 host ":::::"', input: mutate((c) => (c.mailboxes[0].host = ':::::')), problems: ['$.mailboxes[0].host: must be a host name or IP address, without scheme or port'] },
  { name: 'a host with a scheme', input: mutate((c) => (c.defaults = { host: 'imaps://outlook.office365.com' })), problems: ['$.defaults.host: must be a host name or IP address, without scheme or port'] },
  { name: 'port 0', input: mutate((c) => (c.mailboxes[0].port = 0)), problems: ['$.mailboxes[0].port: must be a whole number from 1 to 65535'] },
  { name: '#11.15 port 993.5 ("must be a int")', input: mutate((c) => (c.mailboxes[0].port = 993.5)), problems: ['$.mailboxes[0].port: must be a whole number from 1 to 65535'] },
  { name: '#11.15 port as a string', input: mutate((c) => (c.mailboxes[0].port = '993')), problems: ['$.mailboxes[0].port: must be a whole number from 1 to 65535, not a string'] },
  { name: '#11.1 concurrency 0', input: mutate((c) => (c.concurrency = 0)), problems: ['$.concurrency: must be a whole number from 1 to 256'] },
  { name: '#11.1 concurrency 10^9', input: mutate((c) => (c.concurrency = 1e9)), problems: ['$.concurrency: must be a whole number from 1 to 256'] },
  { name: '#11.1 timeouts.runMs 4,000,000,000 (past the timer limit)', input: mutate((c) => (c.timeouts = { runMs: 4_000_000_000 })), problems: ['$.timeouts.runMs: must be a whole number from 10 to 86,400,000 milliseconds (a day)'] },
  { name: '#11.1 timeouts.checkMs 2,147,483,648', input: mutate((c) => (c.timeouts = { checkMs: 2_147_483_648 })), problems: ['$.timeouts.checkMs: must be a whole number from 10 to 3,600,000 milliseconds (an hour)'] },
  { name: '#11.1 timeouts.tokenMs negative', input: mutate((c) => (c.timeouts = { tokenMs: -1 })), problems: ['$.timeouts.tokenMs: must be a whole number from 10 to 300,000 milliseconds (5 minutes)'] },
  { name: '#11.15 timeouts.connectMs 2^53 ("<=9007199254740991")', input: mutate((c) => (c.timeouts = { connectMs: 2 ** 60 })), problems: ['$.timeouts.connectMs: must be a whole number from 10 to 300,000 milliseconds (5 minutes)'] },
  { name: '#11.1 thresholds.backlogUnseen 1e400 (infinite)', input: text(JSON.stringify(validConfig()).replace(/}$/, ',"thresholds":{"backlogUnseen":1e400}}')), problems: ['$.thresholds.backlogUnseen: must be a whole number from 1 to 10,000,000, not an infinite number'] },
  { name: '#11.1 thresholds.secretExpiryDays 0', input: mutate((c) => (c.thresholds = { secretExpiryDays: 0 })), problems: ['$.thresholds.secretExpiryDays: must be a whole number from 1 to 3650 days'] },

  // References and uniqueness.
  { name: 'a mailbox naming a missing app', input: mutate((c) => (c.mailboxes[1].app = 'nope')), problems: ['$.mailboxes[1].app: names app "nope", which is not in $.apps (known: logicaldoc)'] },
  { name: 'a duplicate mailbox id', input: mutate((c) => (c.mailboxes[1].id = 'invoices')), problems: ['$.mailboxes[1].id: duplicate mailbox id "invoices" (also $.mailboxes[0])'] },
  { name: 'a duplicate app id', input: mutate((c) => c.apps.push({ ...c.apps[0] })), problems: ['$.apps[1].id: duplicate app id "logicaldoc" (also $.apps[0])'] },
  { name: 'a vault secret with no vault', input: mutate((c) => delete c.keyVaultUrl), problems: ['$.apps[0].credential.keyVaultUrl: is required: set it here or set the top-level keyVaultUrl'] },

  // Values that look right and are not.
  { name: '#11.4 a pasted Secret Identifier as keyVaultUrl', input: mutate((c) => (c.keyVaultUrl = 'https://kv.vault.azure.net/secrets/foo/0123456789abcdef0123456789abcdef')), problems: ['$.keyVaultUrl: must be scheme and host only, like https://contoso-kv.vault.azure.net: it has the path "/secrets/foo/0123456789abcdef0123456789abcdef" (a Secret Identifier?): give the vault URL here, the secret\'s name in credential.keyVaultSecret and its version in credential.version'] },
  { name: '#11.4 a keyVaultUrl with user:password', input: mutate((c) => (c.keyVaultUrl = 'https://admin:hunter2@kv.vault.azure.net')), problems: ['$.keyVaultUrl: must not contain a user name or password (user:password@): give only https://kv.vault.azure.net'] },
  { name: '#11.4 a keyVaultUrl with a query', input: mutate((c) => (c.keyVaultUrl = 'https://kv.vault.azure.net/?sig=abc')), problems: ['$.keyVaultUrl: must be scheme and host only, like https://contoso-kv.vault.azure.net: remove the query (?…)'] },
  { name: '#11.4 a per-app keyVaultUrl with a path', input: mutate((c) => (c.apps[0].credential.keyVaultUrl = 'https://kv.vault.azure.net/secrets')), problems: ['$.apps[0].credential.keyVaultUrl: must be scheme and host only, like https://contoso-kv.vault.azure.net: it has the path "/secrets" (a Secret Identifier?): give the vault URL here, the secret\'s name in credential.keyVaultSecret and its version in credential.version'] },
  { name: 'an http:// vault', input: mutate((c) => (c.keyVaultUrl = 'http://contoso-kv.vault.azure.net')), problems: ['$.keyVaultUrl: must be an https:// URL like https://contoso-kv.vault.azure.net'] },
  { name: '#11.3 a folder with CR LF (IMAP command injection)', input: mutate((c) => (c.mailboxes[1].folder = 'INBOX\r\nX1 LOGOUT')), problems: ['$.mailboxes[1].folder: must not contain control or direction-changing characters (line breaks, tabs, escape codes, bidi overrides and other invisible characters) in a folder name: found U+000D at character 6'] },
  { name: '#11.3 a display name with a line break', input: mutate((c) => (c.apps[0].displayName = 'Logical\nDOC')), problems: ['$.apps[0].displayName: must not contain control or direction-changing characters (line breaks, tabs, escape codes, bidi overrides and other invisible characters) in a display name: found U+000A at character 8'] },
  { name: 'an unknown cloud', input: mutate((c) => (c.cloud = 'mars')), problems: ['$.cloud: must be "public", "usgov", "china" or {"authorityHost": "https://...", "imapResource": "https://..."}'] },
  { name: 'a cloud authority with a tenant path', input: mutate((c) => (c.cloud = { authorityHost: 'https://login.microsoftonline.com/contoso.onmicrosoft.com', imapResource: 'https://outlook.office365.com' })), problems: ['$.cloud.authorityHost: must be scheme and host only, like https://login.microsoftonline.com: it has the path "/contoso.onmicrosoft.com": the code adds the paths it needs'] },
  { name: 'a credential with both keyVaultSecret and env', input: mutate((c) => (c.apps[0].credential = { keyVaultSecret: 's', env: 'S' })), problems: ['$.apps[0].credential: must be {"keyVaultSecret": "<secret name>"} (optional "version", "keyVaultUrl") or {"env": "<VARIABLE>"}, or for a certificate {"keyVaultCertificate": "<certificate name>"} (optional "version", "keyVaultUrl", "sendX5c") or {"certificateFile": "<path>"}'] },
  { name: 'an environment variable name with a dash', input: mutate((c) => (c.apps[0].credential = { env: 'IMAP-SECRET' })), problems: ['$.apps[0].credential.env: must be an environment variable name (letters, digits and underscores)'] },
  { name: 'a secret version that is a date', input: mutate((c) => (c.apps[0].credential.version = '2026-01-01')), problems: ['$.apps[0].credential.version: must be a 32-character secret version id'] },
  { name: 'a mailbox id with a space', input: mutate((c) => (c.mailboxes[0].id = 'in voices')), problems: ['$.mailboxes[0].id: must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit'] },
];
