/**
 * Issue 16, item 1: a channel's URL is a secret and an address the monitor posts to. A receiver
 * quoting it back (Express's default 404) must not carry its key into any message; a URL that
 * would send in clear, to the metadata endpoint, with credentials in it or to nowhere is refused
 * when read (from the environment or Key Vault), naming the field and never the URL.
 */
import type { NotifyConfig } from '../../shared/config/schema';
import { SecretReader } from '../../shared/credentials/secret-reader';
import { Redactor, urlSecrets } from '../../shared/diagnosis/redact';
import { checkChannelUrl } from '../../shared/notify/channel-url';
import { deliver, receiverText, type Channel } from '../../shared/notify/channels/channel';
import { channelsFromConfig } from '../../shared/notify/channels-from-config';
import type { Notification } from '../../shared/notify/notification';
import { startReceiver, type Receiver } from './receivers';

const KEY = 'sig-token-3f9a';
const note: Notification = { kind: 'failing', incident: 'mailbox:hr', severity: 'critical', title: 'hr is failing: IMAP_AUTH_FAILED', summary: 'refused', facts: [], at: new Date().toISOString(), runId: 'r1' };
const policy = { timeoutMs: 3000, retries: 1, backoffMs: 10 };
let express: Receiver;
let good: Receiver;

beforeAll(async () => {
  [express, good] = await Promise.all([startReceiver('not-found'), startReceiver()]);
});
afterAll(async () => {
  await Promise.all([express?.stop(), good?.stop()]);
});
beforeEach(() => {
  express.received.length = 0;
  good.received.length = 0;
});

/** Channels of each type whose URLs come from environment variables (or from `secrets`). */
function channels(env: Record<string, string>, secrets?: SecretReader): Channel[] {
  const notify = {
    channels: [
      { type: 'webhook', id: 'hook', url: { env: 'HOOK_URL' }, signingSecret: { env: 'HOOK_SIGNING' } },
      { type: 'teams', id: 'teams', url: { env: 'TEAMS_URL' } },
      { type: 'slack', id: 'slack', url: { env: 'SLACK_URL' } },
    ],
    timeoutMs: 3000,
    retries: 1,
    expiryThresholdsDays: [30],
  } as NotifyConfig;
  return channelsFromConfig(notify, secrets ?? new SecretReader({ authorityHost: 'https://127.0.0.1:1', timeoutMs: 1000 }, { HOOK_SIGNING: 'whsec-signing-secret-0001', ...env }, false), undefined, undefined);
}

describe('#16.1 a receiver that quotes the webhook URL', () => {
  test('#16.1 Express\'s 404 ("Cannot POST /hooks/<key>") reaches no message: the status and the receiver\'s words do, the key does not', async () => {
    const all = channels({ HOOK_URL: express.url, TEAMS_URL: express.url, SLACK_URL: `${express.url}?sig=Zm9vYmFyLXNpZ25hdHVyZS0wMQ%3D%3D&sv=1.0` });
    const outcomes = await Promise.all(all.map((c) => deliver(c, note, policy)));
    // The receiver did quote the key: the test would see a leak.
    expect(express.received.length).toBe(3);
    for (const o of outcomes) {
      expect(o.ok).toBe(false);
      expect(o.attempts).toBe(1); // a 404 is an answer, not worth a retry
      expect(o.error).toMatch(/answered 404: .*Cannot POST \[redacted\]/s);
      expect(o.error).not.toContain(KEY);
      expect(o.error).not.toContain('Zm9vYmFyLXNpZ25hdHVyZS0wMQ');
      expect(o.error).not.toContain(express.url);
      expect(o.error!.length).toBeLessThan(320);
    }
  });

  test('#16.1 (twin) without the URL registered, the same answer quoted raw would carry the key', () => {
    const page = `<pre>Cannot POST /hooks/${KEY}</pre>`;
    expect(new Redactor().scrub(page)).toContain(KEY);
    expect(receiverText(page, express.url)).not.toContain(KEY);
  });

  test('#16.1 the URL\'s secret parts: path segments and query values, raw and decoded; the service\'s own words stay', () => {
    const teams = 'https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';
    const parts = urlSecrets(teams);
    expect(parts).toEqual(expect.arrayContaining(['AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd', '0a1b2c3d4e5f', '/triggers/manual/run']));
    expect(parts).not.toContain('workflows');
    const slack = urlSecrets('https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx');
    expect(slack).toEqual(expect.arrayContaining(['T0123ABCD', 'B0456EFGH', 'abcdefghijklmnopqrstuvwx']));
    expect(slack).not.toContain('services');
    const r = new Redactor();
    r.addUrl(teams);
    expect(r.scrub('the workflows trigger said: bad sig AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd')).toBe('the workflows trigger said: bad sig [redacted]');
  });
});

describe('#16.1 channel URLs are checked when read', () => {
  const refused: [string, string, RegExp][] = [
    ['http:// (sends in clear)', `http://127.0.0.1:9/hooks/${KEY}`, /must be an https:\/\/ URL, not http:\/\//],
    ['file://', `file:///etc/${KEY}`, /must be an https:\/\/ URL, not file:\/\//],
    ['user:pass@', `https://admin:${KEY}@127.0.0.1:9/hooks`, /must not hold a user name or password/],
    ['the metadata endpoint', `https://169.254.169.254/metadata/${KEY}`, /link-local address/],
    ['the metadata endpoint spelled as one number', `https://2852039166/${KEY}`, /link-local address/],
    ['IPv6 link-local', `https://[fe80::1]/${KEY}`, /link-local address/],
    ['the unspecified address', `https://0.0.0.0/${KEY}`, /unspecified address/],
    ['not a URL', `hooks.slack.com/services/${KEY}`, /is not a URL/],
    ['two URLs pasted together', `https://a.example/${KEY} https://b.example/`, /spaces or control characters/],
  ];
  test.each(refused)('#16.1 %s is refused, naming the field and not the URL; nothing is sent', async (_what, value, reason) => {
    const outcome = await deliver(channels({ HOOK_URL: value, TEAMS_URL: good.url, SLACK_URL: good.url })[0]!, note, policy);
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toBe(1);
    expect(outcome.error).toMatch(reason);
    expect(outcome.error).toContain('notify.channels[0].url (environment variable HOOK_URL)');
    expect(outcome.error).not.toContain(KEY);
    expect(outcome.error).not.toMatch(/TypeError/);
  });

  test('#16.1 (twin) https to a loopback receiver (the tests\' and the simulator\'s) is sent', async () => {
    const outcome = await deliver(channels({ HOOK_URL: good.url, TEAMS_URL: good.url, SLACK_URL: good.url })[0]!, note, policy);
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });
    expect(good.received).toHaveLength(1);
    expect(checkChannelUrl('https://hooks.slack.com/services/T/B/x', 'f')).toBe('https://hooks.slack.com/services/T/B/x');
  });

  test('#16.1 a URL read from Key Vault gets the same check, named by its secret', async () => {
    const fromVault = { read: async () => ({ value: `http://hooks.example/${KEY}` }) } as unknown as SecretReader;
    const notify = { channels: [{ type: 'slack', id: 'slack', url: { keyVaultSecret: 'slack-url' } }], timeoutMs: 3000, retries: 0, expiryThresholdsDays: [30] } as NotifyConfig;
    const outcome = await deliver(channelsFromConfig(notify, fromVault, 'https://kv.vault.azure.net', undefined)[0]!, note, policy);
    expect(outcome.error).toBe(`slack channel slack: notify.channels[0].url (Key Vault secret slack-url): must be an https:// URL, not http:// (notifications and the URL's key would travel unencrypted or nowhere); the URL itself is not shown, it is a secret`);
  });

  test('#16.1 a redirect is not followed: the error says so, and the place it points to gets nothing', async () => {
    const mover = await startReceiver('redirect');
    try {
      mover.location = good.url;
      const outcome = await deliver(channels({ HOOK_URL: mover.url, TEAMS_URL: good.url, SLACK_URL: good.url })[0]!, note, policy);
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/answered 307, a redirect: notifications are not sent on to another address/);
      expect(mover.received).toHaveLength(1);
      expect(good.received).toHaveLength(0);
    } finally {
      await mover.stop();
    }
  });
});
