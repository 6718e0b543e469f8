/** The remedy context the unit tests fill remedies with: one mailbox, its app and its vault secret. */
import type { RemedyContext } from '../../shared/diagnosis/remedy-context';

export const CLIENT = '22222222-2222-4222-8222-222222222222';
export const TENANT = '11111111-1111-4111-8111-111111111111';

export const remedyContextWith = (more: Partial<RemedyContext> = {}): RemedyContext => ({
  mailboxId: 'scans',
  address: 'scans@contoso.com',
  host: 'outlook.office365.com',
  port: 993,
  folder: 'INBOX',
  appId: 'logicaldoc',
  clientId: CLIENT,
  tenantId: TENANT,
  appName: 'LogicalDOC import',
  imapResource: 'https://outlook.office365.com',
  exchangeResource: 'https://outlook.office365.com',
  authorityHost: 'https://login.microsoftonline.com',
  secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'imap secret' },
  ...more,
});
