/**
 * A generic JSON webhook. The body is signed so a receiver can tell it came from this monitor and
 * was not replayed: `X-Mailbox-Health-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
 * with the shared signing secret, and `X-Mailbox-Health-Timestamp: <Unix seconds>` (receivers
 * reject old timestamps). Verify with `verifyWebhookSignature`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Notification } from '../notification';
import { postJson, type Channel } from './channel';

export const SIGNATURE_HEADER = 'x-mailbox-health-signature';
export const TIMESTAMP_HEADER = 'x-mailbox-health-timestamp';

export function signWebhook(body: string, timestamp: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver runs: constant-time comparison, and a timestamp no older than `maxAgeSeconds`. */
export function verifyWebhookSignature(body: string, headers: { signature?: string; timestamp?: string }, secret: string, maxAgeSeconds = 300, now = Date.now()): boolean {
  if (!headers.signature || !headers.timestamp || !/^\d+$/.test(headers.timestamp)) return false;
  if (Math.abs(now / 1000 - Number(headers.timestamp)) > maxAgeSeconds) return false;
  const expected = Buffer.from(signWebhook(body, headers.timestamp, secret));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function webhookPayload(n: Notification): Record<string, unknown> {
  return { type: 'mailbox-health.notification', version: 1, ...n };
}

export class WebhookChannel implements Channel {
  readonly type = 'webhook';
  constructor(
    readonly id: string,
    private readonly url: () => Promise<string>,
    private readonly signingSecret: () => Promise<string>,
  ) {}

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(webhookPayload(n));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = signWebhook(body, timestamp, await this.signingSecret());
    await postJson(await this.url(), body, { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp }, signal);
  }
}
