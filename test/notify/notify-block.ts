/**
 * The notify block the end-to-end tests share: a signed webhook, Teams and Slack (their URLs and
 * the signing secret in Key Vault as hook-url, hook-signing, teams-url, slack-url) and e-mail from
 * `mailFrom`; one attempt per channel.
 */
export const notifyBlock = (mailFrom: string) => ({
  channels: [
    { type: 'webhook', id: 'ops-hook', url: { keyVaultSecret: 'hook-url' }, signingSecret: { keyVaultSecret: 'hook-signing' } },
    { type: 'teams', id: 'ops-teams', url: { keyVaultSecret: 'teams-url' } },
    { type: 'slack', id: 'ops-slack', url: { keyVaultSecret: 'slack-url' } },
    { type: 'email', id: 'ops-mail', from: mailFrom, to: ['oncall@contoso.com'] },
  ],
  timeoutMs: 3000,
  retries: 0,
});
