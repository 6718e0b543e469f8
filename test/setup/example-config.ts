/** A config whose addresses and names are hard to quote: an apostrophe, a typographic one, `$` and a backtick; two tenants. */
export const TENANT_A = '6f1c2a44-1c1e-4b8e-9d7e-2f1f6c1a9b01';
export const TENANT_B = '0b5c9d10-aaaa-4bbb-8ccc-0123456789ab';
export const CLIENT_A = '3bf0cf36-87bf-47a9-927b-0ef9df7cf146';
export const CLIENT_B = '9d2e4f60-1234-4abc-9def-abcdefabcdef';
export const APOSTROPHE = "o'brien@contoso.com";
export const TYPOGRAPHIC = 'd\u2019arcy@contoso.com';
export const DOLLAR = 'ops$HOME`whoami`@fabrikam.com';
export const APP_NAME = "LogicalDOC O'Brien\u2019s import";
export const SENDER = "o'neil@contoso.com";

export const exampleConfig = {
  keyVaultUrl: 'https://contoso-kv.vault.azure.net',
  apps: [
    { id: 'logicaldoc', displayName: APP_NAME, tenantId: TENANT_A, clientId: CLIENT_A, credential: { keyVaultSecret: 'logicaldoc-imap-secret' } },
    { id: 'scanner', tenantId: TENANT_B, clientId: CLIENT_B, credential: { env: 'SCANNER_SECRET' } },
  ],
  mailboxes: [
    { id: 'invoices', address: 'invoices@contoso.com', app: 'logicaldoc' },
    { id: 'obrien', address: APOSTROPHE, app: 'logicaldoc' },
    { id: 'darcy', address: TYPOGRAPHIC, app: 'logicaldoc' },
    { id: 'ops', address: DOLLAR, app: 'scanner' },
  ],
};


export const CLOUDS = { public: 'https://contoso-kv.vault.azure.net', usgov: 'https://contoso-kv.vault.usgovcloudapi.net', china: 'https://contoso-kv.vault.azure.cn' } as const;

/** Three apps (two in tenant A, one with its own vault), two tenants, Key Vault and env secrets, two e-mail senders. */
export function richConfig(cloud: keyof typeof CLOUDS) {
  return {
    ...exampleConfig,
    cloud,
    keyVaultUrl: CLOUDS[cloud],
    apps: [
      ...exampleConfig.apps,
      { id: 'archive', displayName: 'Archive import', tenantId: TENANT_A, clientId: '5a6b7c8d-0000-4000-8000-00000000a3c1', credential: { keyVaultSecret: 'archive-imap-secret', keyVaultUrl: CLOUDS[cloud].replace('contoso-kv', 'archive-kv') } },
    ],
    mailboxes: [...exampleConfig.mailboxes, { id: 'archive', address: 'archive@contoso.com', app: 'archive' }],
    notify: { channels: [{ type: 'email', id: 'ops', from: 'alerts@contoso.com', to: ['ops@contoso.com'] }, { type: 'email', id: 'hr', from: "o'neil@contoso.com", to: ['hr@contoso.com'] }] },
  };
}
