/**
 * #11.14: a secret with surrounding whitespace, or an environment variable set to "", is named
 * for what it is — through the wire, the vault read with the real SDK from the simulated tenant.
 */
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario, ENV_SECRET } from './catalogue';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;

beforeAll(async () => {
  const scenario = catalogueScenario();
  // The vault secret of app "good", stored from a file written with echo: a trailing newline.
  const stored = scenario.vault.secrets.find((s) => s.name === 'good-secret')!;
  stored.value = `${stored.value}\n`;
  tenant = await startTenant(scenario);
});

afterAll(async () => {
  await tenant?.stop();
});

const configFor = (ids: string[]) => catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => ids.includes(id));

describe('#11.14 secrets with surrounding whitespace, empty variables', () => {
  it('#11.14 a trailing newline is named (vault and env), with the fix that removes it, not "create a new secret"', async () => {
    const { report } = await runAgainst(configFor(['ok1', 'envok']), { env: { CATALOGUE_ENV_SECRET: ` ${ENV_SECRET}\r\n` } });
    const results = byId(report);
    expect(results.ok1!.failure).toMatchObject({
      code: 'TOKEN_INVALID_SECRET',
      phase: 'secret',
      kind: 'credential',
      message: `the client secret in secret good-secret in ${tenant.vault.url} ends with a line break: a client secret value never contains whitespace, so Entra ID would refuse it`,
    });
    expect(results.ok1!.failure!.remedy).toMatch(/^Store the Value again without the whitespace .*az keyvault secret set --vault-name .* --name good-secret --value "<the secret's Value>"$/);
    expect(results.ok1!.failure!.remedy).not.toContain('credential reset');
    expect(results.envok!.failure).toMatchObject({ code: 'TOKEN_INVALID_SECRET', message: 'the client secret in environment variable CATALOGUE_ENV_SECRET starts with a space and ends with a Windows line break: a client secret value never contains whitespace, so Entra ID would refuse it' });
    expect(results.envok!.failure!.remedy).toBe(`Set CATALOGUE_ENV_SECRET to the Value without the whitespace: export CATALOGUE_ENV_SECRET="$(printf %s "$CATALOGUE_ENV_SECRET" | tr -d '\\r\\n')" (a file written with echo ends with a line break).`);
    // Nothing of the secret itself in the report.
    expect(JSON.stringify(report)).not.toContain(ENV_SECRET);
  });

  it('#11.14 an environment variable set to "" is "set but empty", unset is "not set"; the clean value works', async () => {
    const empty = byId((await runAgainst(configFor(['envok']), { env: { CATALOGUE_ENV_SECRET: '' } })).report);
    expect(empty.envok!.failure).toMatchObject({ code: 'SECRET_NOT_FOUND', message: 'environment variable CATALOGUE_ENV_SECRET is set but empty' });
    const unset = byId((await runAgainst(configFor(['envok']), { env: {} })).report);
    expect(unset.envok!.failure).toMatchObject({ code: 'SECRET_NOT_FOUND', message: 'environment variable CATALOGUE_ENV_SECRET is not set' });
    const clean = byId((await runAgainst(configFor(['envok']), { env: { CATALOGUE_ENV_SECRET: ENV_SECRET } })).report);
    expect(clean.envok!.status).toBe('ok');
  });
});
