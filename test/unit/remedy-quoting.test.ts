/**
 * #11.19: every value a remedy pastes into a command is quoted for the shell that command runs
 * in: PowerShell for Exchange Online cmdlets, bash for az. Checked per remedy kind with an
 * address holding an apostrophe and a display name with a space and an apostrophe; the bash
 * quoting is checked by bash itself.
 */
import { spawnSync } from 'node:child_process';
import { FAILURE_CODES, WARNING_CODES, type FailureCode } from '../../shared/contract/codes';
import { ps, psArg, sh } from '../../shared/diagnosis/quote';
import { failureRemedy, warningRemedy } from '../../shared/diagnosis/remedies';
import type { RemedyContext } from '../../shared/diagnosis/remedy-context';

const ADDRESS = "o'brien@contoso.com";
const context = (secret: RemedyContext['secret'] = { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'imap-secret' }): RemedyContext => ({
  mailboxId: 'sales.eu',
  address: ADDRESS,
  host: 'outlook.office365.com',
  port: 993,
  folder: "Joe's Scans",
  appId: 'logicaldoc',
  clientId: '22222222-2222-4222-8222-222222222222',
  tenantId: '11111111-1111-4111-8111-111111111111',
  appName: "O'Brien import",
  imapResource: 'https://outlook.office365.com',
  exchangeResource: 'https://outlook.office365.com',
  authorityHost: 'https://login.microsoftonline.com',
  secret,
  objectId: '33333333-3333-4333-8333-333333333333',
  roles: ['IMAP.AccessAsApp', 'full_access_as_app'],
});

describe('#11.19 quoting for the shell a remedy is pasted into', () => {
  it('#11.19 PowerShell doubles quotes (also typographic ones); bash keeps every value one word', () => {
    expect(ps("o'brien@contoso.com")).toBe("'o''brien@contoso.com'");
    expect(ps('o\u2019brien')).toBe("'o\u2019\u2019brien'");
    expect(psArg('33333333-3333-4333-8333-333333333333')).toBe('33333333-3333-4333-8333-333333333333');
    expect(psArg('in voices')).toBe("'in voices'");
    for (const value of ["o'brien", 'in voices', '$(rm -rf ~)', '`x`', 'a"b', 'plain-name.1', "''"]) {
      const echoed = spawnSync('bash', ['-c', `printf %s ${sh(value)}`], { encoding: 'utf8' });
      expect(echoed.stdout).toBe(value);
    }
  });

  const EXCHANGE: FailureCode[] = ['IMAP_AUTH_FAILED', 'IMAP_NOT_CONNECTED', 'IMAP_CONNECTION_CLOSED', 'IMAP_FOLDER_NOT_FOUND'];
  it.each(EXCHANGE)('#11.19 %s: the address is a PowerShell-quoted argument', (code) => {
    const remedy = failureRemedy(code, context());
    expect(remedy).toContain("-Identity 'o''brien@contoso.com'");
    expect(remedy).not.toMatch(/-Identity 'o'brien/);
  });

  it('#11.19 IMAP_AUTH_FAILED: the display name and the oid are quoted for PowerShell', () => {
    const remedy = failureRemedy('IMAP_AUTH_FAILED', context());
    expect(remedy).toContain("-DisplayName 'O''Brien import'");
    expect(remedy).toContain('-ObjectId 33333333-3333-4333-8333-333333333333');
    expect(remedy).toContain("-User 33333333-3333-4333-8333-333333333333 -AccessRights FullAccess");
    // An oid that is not a GUID (a hostile token) cannot break out of its argument.
    expect(failureRemedy('IMAP_AUTH_FAILED', { ...context(), objectId: "x'; Remove-Mailbox" })).toContain("-User 'x''; Remove-Mailbox'");
  });

  it('#11.19 every failure and warning remedy keeps an apostrophe address inside quotes wherever a command names it', () => {
    const codes = Object.keys(FAILURE_CODES) as FailureCode[];
    const texts = [...codes.map((code) => failureRemedy(code, context())), ...WARNING_CODES.map((code) => warningRemedy(code, context()) ?? '')];
    for (const text of texts) {
      for (const match of text.matchAll(/-Identity (\S+)/g)) expect(match[1]).toBe("'o''brien@contoso.com'");
    }
  });

  it('#11.19 az commands: vault and secret names are bash words; an env remedy for whitespace survives bash', () => {
    expect(failureRemedy('SECRET_DISABLED', context())).toContain('az keyvault secret set-attributes --vault-name contoso-kv --name imap-secret --enabled true');
    const env = failureRemedy('TOKEN_INVALID_SECRET', { ...context({ env: 'IMAP_SECRET' }), errorCode: 'SECRET_WHITESPACE' });
    const command = /export .*\)"/.exec(env)![0];
    const result = spawnSync('bash', ['-c', `${command}; printf %s "$IMAP_SECRET"`], { encoding: 'utf8', env: { ...process.env, IMAP_SECRET: 'value\r\n' } });
    expect(result.stdout).toBe('value');
    expect(failureRemedy('TOKEN_ENDPOINT_UNREACHABLE', context())).toContain('curl -sS https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0/.well-known/openid-configuration');
  });
});
