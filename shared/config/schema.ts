/**
 * The configuration schema: the single source for validation, the TypeScript types and the
 * published JSON Schema (mailboxes.schema.json). Field names are a public contract (docs/ARCHITECTURE.md):
 * add fields freely, rename none.
 */
import { z } from 'zod';
import { maintenanceList } from './maintenance-schema';
import { address, baseUrl, displayName, folder, guid, host, id, port, wholeNumber } from './fields';

// Bounds: a timeout past 2^31-1 ms overflows Node's timers (they fire at once), and a threshold
// past any real mailbox is a typo. Minimums stay low so tests can provoke each deadline.
const SECOND = 1000;
const requestMs = (fallback: number) => wholeNumber(10, 300 * SECOND, ' milliseconds (5 minutes)').default(fallback);
const vaultUrl = baseUrl(
  'https://contoso-kv.vault.azure.net',
  ' (a Secret Identifier?): give the vault URL here, the secret\'s name in credential.keyVaultSecret and its version in credential.version',
);
const serviceUrl = (example: string) => baseUrl(example, ': the code adds the paths it needs');

const keyVaultCredential = z
  .object({
    keyVaultSecret: z
      .string()
      .regex(/^[0-9A-Za-z-]{1,127}$/, 'must be a Key Vault secret name (1-127 letters, digits and dashes)')
      .describe('Name of the Key Vault secret holding the client secret value'),
    version: z
      .string()
      .regex(/^[0-9a-f]{32}$/i, 'must be a 32-character secret version id')
      .optional()
      .describe('Pin one secret version; the latest when omitted'),
    keyVaultUrl: vaultUrl.optional().describe('Vault of this app; the top-level keyVaultUrl when omitted'),
  })
  .strict();

const envCredential = z
  .object({
    env: z
      .string()
      .max(256, { error: 'must be at most 256 characters long' })
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits and underscores)')
      .describe('Environment variable holding the client secret value (local runs)'),
  })
  .strict();

// A certificate (client assertion) instead of a client secret (issue 18). The private key is read
// the way Key Vault serves it: the certificate's backing secret, PEM or PKCS#12, under the same name.
const sendX5c = z
  .boolean()
  .optional()
  .describe('Send the certificate chain (x5c) with each assertion: needed only when the app trusts certificates by subject name and issuer');

const keyVaultCertificateCredential = z
  .object({
    keyVaultCertificate: z
      .string()
      .regex(/^[0-9A-Za-z-]{1,127}$/, 'must be a Key Vault certificate name (1-127 letters, digits and dashes)')
      .describe('Name of the Key Vault certificate the app signs in with (its key must be exportable)'),
    version: z
      .string()
      .regex(/^[0-9a-f]{32}$/i, 'must be a 32-character certificate version id')
      .optional()
      .describe('Pin one certificate version; the latest when omitted'),
    keyVaultUrl: vaultUrl.optional().describe('Vault of this app; the top-level keyVaultUrl when omitted'),
    sendX5c,
  })
  .strict();

const fileCertificateCredential = z
  .object({
    certificateFile: z
      .string()
      .min(1)
      .max(4096, { error: 'must be at most 4,096 characters long' })
      .describe('Path of a PEM file (certificate and unencrypted private key) or a PKCS#12 file without a password (local runs)'),
    sendX5c,
  })
  .strict();

const cloud = z.union([
  z.enum(['public', 'usgov', 'china']),
  z
    .object({
      authorityHost: serviceUrl('https://login.microsoftonline.com').describe('Entra ID authority host, e.g. https://login.microsoftonline.com'),
      imapResource: serviceUrl('https://outlook.office365.com').describe('Resource the IMAP token is issued for; scope is <imapResource>/.default'),
      imapHost: host.optional().describe('Default IMAP host of this cloud'),
      graphUrl: serviceUrl('https://graph.microsoft.com').optional().describe('Microsoft Graph endpoint of this cloud; without it nothing is read from Entra'),
      graphResource: serviceUrl('https://graph.microsoft.com').optional().describe('Resource a Graph token is issued for; graphUrl when omitted'),
    })
    .strict(),
]);

// A secret the notifier needs (a webhook URL holds its own access key): referenced, never inline.
const secretRef = z.union([keyVaultCredential, envCredential]);
const channelId = id.describe('Your name for the channel (in logs and warnings)');

const notifyChannel = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), id: channelId, url: secretRef.describe('Where the webhook URL is kept'), signingSecret: secretRef.describe('Where the HMAC signing secret is kept') }).strict(),
  z.object({ type: z.literal('teams'), id: channelId, url: secretRef.describe('Where the Teams Workflows webhook URL is kept') }).strict(),
  z.object({ type: z.literal('slack'), id: channelId, url: secretRef.describe('Where the Slack incoming-webhook URL is kept') }).strict(),
  z
    .object({
      type: z.literal('email'),
      id: channelId,
      from: address.describe('Mailbox the monitor sends from (Graph sendMail, Mail.Send)'),
      to: z.array(address).min(1, 'must name at least one recipient'),
    })
    .strict(),
]);

export const notifySchema = z
  .object({
    channels: z.array(notifyChannel).min(1, 'must list at least one channel'),
    repeatHours: wholeNumber(1, 8760, ' hours (a year)').optional().describe('Re-notify a still-open incident after this long; NOTIFY_REPEAT_HOURS or 24 when omitted'),
    expiryThresholdsDays: z.array(wholeNumber(1, 3650, ' days')).min(1).default([30, 14, 7, 3, 1]).describe('Notify when a credential enters each of these windows'),
    timeoutMs: requestMs(10_000).describe('Per delivery attempt'),
    retries: wholeNumber(0, 5).default(2).describe('Attempts after the first, on timeouts, 429 and 5xx'),
  })
  .strict();

export const appSchema = z
  .object({
    id,
    tenantId: guid('directory (tenant) id'),
    clientId: guid('application (client) id'),
    displayName: displayName.optional(),
    credential: z.union([keyVaultCredential, envCredential, keyVaultCertificateCredential, fileCertificateCredential]),
    maintenance: maintenanceList.describe('Maintenance windows of every mailbox of this app (as well as each mailbox\'s own)'),
  })
  .strict();

export const mailboxSchema = z
  .object({
    id,
    address,
    app: id.describe('id of the app (in apps) whose token opens this mailbox'),
    host: host.optional(),
    port: port.optional(),
    folder: folder.optional(),
    backlogUnseen: wholeNumber(1, 10_000_000).optional().describe('Overrides thresholds.backlogUnseen'),
    backlogOldestMinutes: wholeNumber(1, 525_600, ' minutes (a year)').optional().describe('Overrides thresholds.backlogOldestMinutes'),
    maintenance: maintenanceList,
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().max(2048, { error: 'must be at most 2,048 characters long' }).optional(),
    cloud: cloud.default('public'),
    keyVaultUrl: vaultUrl.optional().describe('Vault holding the client secrets (https://<name>.vault.azure.net)'),
    defaults: z
      .object({ host: host.optional(), port: port.default(993), folder: folder.default('INBOX') })
      .strict()
      .default({ port: 993, folder: 'INBOX' }),
    thresholds: z
      .object({
        secretExpiryDays: wholeNumber(1, 3650, ' days').default(30),
        backlogUnseen: wholeNumber(1, 10_000_000).default(500),
        backlogOldestMinutes: wholeNumber(1, 525_600, ' minutes (a year)').default(120),
        slowCheckMs: wholeNumber(1, 3600 * SECOND, ' milliseconds (an hour)').default(10_000),
      })
      .strict()
      .default({ secretExpiryDays: 30, backlogUnseen: 500, backlogOldestMinutes: 120, slowCheckMs: 10_000 }),
    timeouts: z
      .object({
        secretMs: requestMs(10_000),
        tokenMs: requestMs(10_000),
        connectMs: requestMs(10_000),
        imapCommandMs: requestMs(15_000),
        checkMs: wholeNumber(10, 3600 * SECOND, ' milliseconds (an hour)').default(45_000),
        runMs: wholeNumber(10, 24 * 3600 * SECOND, ' milliseconds (a day)').default(240_000),
        graphMs: requestMs(10_000).describe('Per Microsoft Graph call (credential expiry, service health, e-mail), retries included'),
      })
      .strict()
      .default({ secretMs: 10_000, tokenMs: 10_000, connectMs: 10_000, imapCommandMs: 15_000, checkMs: 45_000, runMs: 240_000, graphMs: 10_000 }),
    // 64: measured (bench/, issue 9) — at 50 ms round trips a check holds its connection ~0.55 s,
    // so 8 or 16 in flight leave the CPU idle and 128 oversubscribes 2 cores (SLOW_CHECK). Each
    // check is a different mailbox: Exchange's per-mailbox connection limit is not touched.
    concurrency: wholeNumber(1, 256).default(64).describe('Mailboxes checked at once (different mailboxes: one connection each)'),
    apps: z.array(appSchema).min(1, 'must list at least one app'),
    mailboxes: z.array(mailboxSchema).min(1, 'must list at least one mailbox'),
    notify: notifySchema.optional().describe('Change-only notifications (webhook, Teams, Slack, e-mail)'),
  })
  .strict();

/** The config file as written (defaults not yet applied). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated config with defaults applied. */
export type Config = z.output<typeof configSchema>;
export type AppConfig = z.output<typeof appSchema>;
export type MailboxConfig = z.output<typeof mailboxSchema>;
export type CredentialRef = AppConfig['credential'];
/** A reference to a secret value (a Key Vault secret or an environment variable): what a channel's URL is. */
export type SecretRef = z.infer<typeof secretRef>;
export type NotifyConfig = z.output<typeof notifySchema>;
export type NotifyChannelConfig = NotifyConfig['channels'][number];
