/**
 * Every failure and warning remedy, for every code and the variants a code has (Key Vault or
 * environment secret, the SDK error behind it, ...), filled in with awkward real values — an
 * address with an apostrophe and one with a typographic apostrophe, a display name with spaces —
 * is built inside recordCommands; every command it marks runs through the real tools
 * (test/tools/check-commands.ts): POSIX in bash with the az reference, PowerShell in pwsh-check.
 * Also: each marked text appears verbatim in the remedy, and a remedy that shows an az command or
 * a cmdlet marks at least one command (unmarked commands are unchecked commands).
 */
import { FAILURE_CODES, WARNING_CODES, type FailureCode, type WarningCode } from '../../shared/contract/codes';
import { recordCommands, type PrintedCommand } from '../../shared/diagnosis/printed-commands';
import { failureRemedy, warningRemedy } from '../../shared/diagnosis/remedies';
import { CLOUDS } from '../../shared/config/clouds';
import type { CheckResult } from '../../shared/contract/result';
import { entraReadWarning } from '../../shared/diagnosis/entra-warnings';
import { incidentFacts, markIncident, serviceHealthReadWarning } from '../../shared/diagnosis/service-incident';
import { GraphError } from '../../shared/entra/graph-client';
import type { RemedyContext } from '../../shared/diagnosis/remedy-context';
import { checkPrintedCommands } from '../tools/check-commands';
import { describeWithValidator, PWSH_CHECK } from '../tools/validators';

const common = {
  mailboxId: 'obrien',
  host: 'outlook.office365.com',
  port: 993,
  folder: 'INBOX',
  appId: 'logicaldoc',
  clientId: '3bf0cf36-87bf-47a9-927b-0ef9df7cf146',
  tenantId: '6f1c2a44-1c1e-4b8e-9d7e-2f1f6c1a9b01',
  appName: "LogicalDOC O'Brien\u2019s import",
  imapResource: 'https://outlook.office365.com',
  exchangeResource: 'https://outlook.office365.com',
  authorityHost: 'https://login.microsoftonline.com',
  objectId: '0b1e0000-0000-4000-8000-00000000b1e0',
  roles: ['IMAP.AccessAsApp', 'full_access_as_app'],
  audience: 'https://graph.microsoft.com',
  tokenTenantId: '0b5c9d10-aaaa-4bbb-8ccc-0123456789ab',
  aadsts: 7000215,
  serverResponse: 'BAD User is authenticated but not connected.',
  // Graph's endDateTime as read from Entra (portal-created secrets carry fractions of a second).
  entraInUse: { keyId: 'c82bb763-741b-4575-9d9d-df7e766f6999', displayName: 'mailbox health 2026', end: '2027-05-29T10:15:02.945Z' },
  entraNewer: { keyId: 'd93cc874-852c-4686-aeae-e08f877f7000', displayName: null, end: '2027-11-29T00:00:00Z' },
};

/** Contexts: Key Vault secret + apostrophe address; env secret + typographic apostrophe; a vault behind a private host name. */
const CONTEXTS: Record<string, RemedyContext> = {
  'key vault, o\'brien': { ...common, address: "o'brien@contoso.com", secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'logicaldoc-imap-secret' } },
  'env, d\u2019arcy': { ...common, mailboxId: 'darcy', address: 'd\u2019arcy@contoso.com', secret: { env: 'SCANNER_SECRET' } },
  'private vault host': { ...common, address: 'invoices@contoso.com', secret: { vaultUrl: 'https://kv.internal.contoso.com', name: 'logicaldoc-imap-secret' } },
};

/** The variants some codes have, from the context fields their remedy branches on. */
const VARIANTS: Partial<Record<FailureCode | WarningCode, Partial<RemedyContext>[]>> = {
  SECRET_ACCESS_DENIED: [{}, { errorCode: 'VaultScopeRefused' }, { errorCode: 'CredentialUnavailableError' }],
  TOKEN_INVALID_SECRET: [{}, { errorCode: 'SECRET_WHITESPACE' }],
  TOKEN_INVALID_SCOPE: [{}, { aadsts: 500011 }],
  IMAP_TLS: [{ errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, { errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }, { errorCode: 'CERT_HAS_EXPIRED' }, { errorCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }],
  CHECK_TIMEOUT: [{ deadline: 'check' }, { deadline: 'run' }, { deadline: 'interrupted' }],
  CREDENTIAL_EXPIRING: [{}, { entraInUse: undefined }],
};

interface Case {
  name: string;
  text: string;
  commands: PrintedCommand[];
}

const CASES: Case[] = [];
for (const [contextName, context] of Object.entries(CONTEXTS)) {
  for (const code of Object.keys(FAILURE_CODES) as FailureCode[]) {
    for (const variant of VARIANTS[code] ?? [{}]) {
      const { value, commands } = recordCommands(() => failureRemedy(code, { ...context, ...variant }));
      CASES.push({ name: `${code} ${JSON.stringify(variant)} (${contextName})`, text: value, commands });
    }
  }
  for (const code of WARNING_CODES) {
    for (const variant of VARIANTS[code] ?? [{}]) {
      const { value, commands } = recordCommands(() => warningRemedy(code, { ...context, ...variant }));
      if (value !== undefined) CASES.push({ name: `warning ${code} ${JSON.stringify(variant)} (${contextName})`, text: value, commands });
    }
  }
}

// The run-level Graph grants (Application.Read.All; issue 20's ServiceHealth.Read.All), with and
// without the identity's object id, and an outage-shaped failure's remedy once an incident wraps it.
for (const objectId of [undefined, '0b1e0000-0000-4000-8000-00000000cafe']) {
  const identity = { graphUrl: 'https://graph.microsoft.com', ...(objectId ? { objectId } : {}) };
  const denied = { ok: false as const, reason: 'permission' as const, error: new GraphError('403', 403, 'Authorization_RequestDenied') };
  for (const [name, build] of [
    ['GRAPH_PERMISSION_MISSING Application.Read.All', () => entraReadWarning([{ clientId: common.clientId, read: denied }], identity)!.remedy!],
    ['GRAPH_PERMISSION_MISSING ServiceHealth.Read.All', () => serviceHealthReadWarning(denied, identity)!.remedy!],
  ] as const) {
    const { value, commands } = recordCommands(build);
    CASES.push({ name: `run warning ${name} ${objectId ? '(object id known)' : '(object id unknown)'}`, text: value, commands });
  }
}
for (const code of ['IMAP_TIMEOUT', 'IMAP_CONNECTION_CLOSED', 'IMAP_CONNECT_REFUSED'] as const) {
  const context = CONTEXTS["key vault, o'brien"]!;
  const { value, commands } = recordCommands(() => {
    const result = { failure: { code, phase: 'connect', kind: 'network', message: '', remedy: failureRemedy(code, context) }, warnings: [] } as unknown as CheckResult;
    const facts = incidentFacts({ id: 'EX1187234', title: "Users can't connect with IMAP", service: 'Exchange Online', status: 'ServiceDegradation', classification: 'Incident', isResolved: false, start: new Date('2026-12-04T10:15:00Z'), end: null, lastModified: null, impactDescription: null, feature: null }, CLOUDS.public, 0);
    markIncident([result], facts);
    return result.failure!.remedy;
  });
  CASES.push({ name: `${code} during an Exchange Online incident (issue 20)`, text: value, commands });
}

// An az command, or a cmdlet (approved PowerShell verb + noun), shown in the text.
const SHOWS_COMMAND = /(^|[\s(:"'`])az [a-z]|\b(Get|Set|New|Add|Remove|Test|Connect|Resolve|Format|Where|Select|Update|Enable|Disable|Grant|Revoke|Invoke)-[A-Z][A-Za-z]+\b/;

describe('remedies: marked commands', () => {
  it('covers every failure code and every warning code that has a remedy', () => {
    const covered = new Set(CASES.map((c) => c.name.replace(/^warning /, '').split(' ')[0]));
    for (const code of Object.keys(FAILURE_CODES)) expect(covered).toContain(code);
  });

  it('each marked command appears verbatim in its remedy', () => {
    for (const c of CASES) for (const command of c.commands) expect({ case: c.name, inText: c.text.includes(command.text) }).toEqual({ case: c.name, inText: true });
  });

  it('a remedy that shows an az command or a cmdlet marks at least one command (fails until the remedies are marked)', () => {
    const unmarked = CASES.filter((c) => SHOWS_COMMAND.test(c.text) && c.commands.length === 0).map((c) => c.name);
    expect(unmarked).toEqual([]);
  });
});

describeWithValidator(PWSH_CHECK, 'remedies: every marked command runs (real bash + az reference, real PowerShell parser + reference stubs)', () => {
  it('no problems in any marked command', async () => {
    const commands = CASES.flatMap((c) => c.commands.map((command) => ({ case: c.name, command })));
    // tr: the env-variable whitespace remedy strips line breaks with it (a local text filter, no network).
    const problems = await checkPrintedCommands(commands.map((c) => c.command), { allow: ['tr'] });
    const named = problems.map((p) => `${commands.find((c) => c.command === p.command)?.case}: ${p.kind}: ${p.message}\n    in: ${p.command.text}`);
    expect(named).toEqual([]);
  }, 300_000);
});
