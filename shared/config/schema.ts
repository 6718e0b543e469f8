/**
 * The configuration schema: the single source for validation, the TypeScript types and the
 * published JSON Schema (mailboxes.schema.json). Field names are a public contract (docs/ARCHITECTURE.md):
 * add fields freely, rename none.
 */
import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Deliberately simple: a local part, an @ and a dotted domain. Exchange decides the rest.
const EMAIL = /^[^\s@"()<>,;:\\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
// Hostnames, IPv4 and bracket-less IPv6 literals.
const HOST = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9a-fA-F:]+$/;

const guid = (what: string) => z.string().regex(GUID, `must be the ${what}, a GUID like 00000000-0000-0000-0000-000000000000`);
const id = z.string().regex(ID, 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
const httpsUrl = z
  .string()
  .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'must be an https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));
const host = z.string().regex(HOST, 'must be a host name or IP address, without scheme or port');
const port = z.number().int().min(1).max(65535);
const folder = z.string().min(1, 'must not be empty').max(255);
const positiveInt = z.number().int().positive();

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
    keyVaultUrl: httpsUrl.optional().describe('Vault of this app; the top-level keyVaultUrl when omitted'),
  })
  .strict();

const envCredential = z
  .object({
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .describe('Environment variable holding the client secret value (local runs)'),
  })
  .strict();

const cloud = z.union([
  z.enum(['public', 'usgov', 'china']),
  z
    .object({
      authorityHost: httpsUrl.describe('Entra ID authority host, e.g. https://login.microsoftonline.com'),
      imapResource: httpsUrl.describe('Resource the IMAP token is issued for; scope is <imapResource>/.default'),
      imapHost: host.optional().describe('Default IMAP host of this cloud'),
      graphUrl: httpsUrl.optional().describe('Microsoft Graph endpoint of this cloud; without it nothing is read from Entra'),
      graphResource: httpsUrl.optional().describe('Resource a Graph token is issued for; graphUrl when omitted'),
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
      from: z.string().regex(EMAIL, 'must be the sender mailbox address').describe('Mailbox the monitor sends from (Graph sendMail, Mail.Send)'),
      to: z.array(z.string().regex(EMAIL, 'must be an e-mail address')).min(1, 'must name at least one recipient'),
    })
    .strict(),
]);

export const notifySchema = z
  .object({
    channels: z.array(notifyChannel).min(1, 'must list at least one channel'),
    repeatHours: positiveInt.optional().describe('Re-notify a still-open incident after this long; NOTIFY_REPEAT_HOURS or 24 when omitted'),
    expiryThresholdsDays: z.array(positiveInt).min(1).default([30, 14, 7, 3, 1]).describe('Notify when a credential enters each of these windows'),
    timeoutMs: positiveInt.default(10_000).describe('Per delivery attempt'),
    retries: z.number().int().min(0).max(5).default(2).describe('Attempts after the first, on timeouts, 429 and 5xx'),
  })
  .strict();

export const appSchema = z
  .object({
    id,
    tenantId: guid('directory (tenant) id'),
    clientId: guid('application (client) id'),
    displayName: z.string().max(256).optional(),
    credential: z.union([keyVaultCredential, envCredential]),
  })
  .strict();

export const mailboxSchema = z
  .object({
    id,
    address: z.string().regex(EMAIL, 'must be an e-mail address like invoices@contoso.com'),
    app: id.describe('id of the app (in apps) whose token opens this mailbox'),
    host: host.optional(),
    port: port.optional(),
    folder: folder.optional(),
    backlogUnseen: positiveInt.optional().describe('Overrides thresholds.backlogUnseen'),
    backlogOldestMinutes: positiveInt.optional().describe('Overrides thresholds.backlogOldestMinutes'),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    cloud: cloud.default('public'),
    keyVaultUrl: httpsUrl.optional().describe('Vault holding the client secrets (https://<name>.vault.azure.net)'),
    defaults: z
      .object({ host: host.optional(), port: port.default(993), folder: folder.default('INBOX') })
      .strict()
      .default({ port: 993, folder: 'INBOX' }),
    thresholds: z
      .object({
        secretExpiryDays: positiveInt.default(30),
        backlogUnseen: positiveInt.default(500),
        backlogOldestMinutes: positiveInt.default(120),
        slowCheckMs: positiveInt.default(10_000),
      })
      .strict()
      .default({ secretExpiryDays: 30, backlogUnseen: 500, backlogOldestMinutes: 120, slowCheckMs: 10_000 }),
    timeouts: z
      .object({
        secretMs: positiveInt.default(10_000),
        tokenMs: positiveInt.default(10_000),
        connectMs: positiveInt.default(10_000),
        imapCommandMs: positiveInt.default(15_000),
        checkMs: positiveInt.default(45_000),
        runMs: positiveInt.default(240_000),
        graphMs: positiveInt.default(10_000).describe('Per Microsoft Graph call (credential expiry, e-mail), retries included'),
      })
      .strict()
      .default({ secretMs: 10_000, tokenMs: 10_000, connectMs: 10_000, imapCommandMs: 15_000, checkMs: 45_000, runMs: 240_000, graphMs: 10_000 }),
    // 64: measured (bench/, issue 9) — at 50 ms round trips a check holds its connection ~0.55 s,
    // so 8 or 16 in flight leave the CPU idle and 128 oversubscribes 2 cores (SLOW_CHECK). Each
    // check is a different mailbox: Exchange's per-mailbox connection limit is not touched.
    concurrency: z.number().int().min(1).max(256).default(64).describe('Mailboxes checked at once (different mailboxes: one connection each)'),
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
export type NotifyConfig = z.output<typeof notifySchema>;
export type NotifyChannelConfig = NotifyConfig['channels'][number];
