/**
 * The two ways parameters reach infra/main.bicep: azd fills main.parameters.json's ${NAME} and
 * ${NAME=default} placeholders from its environment; `az deployment sub …` cannot, so it takes
 * main.bicepparam, which reads the same environment variables (readEnvironmentVariable). Both are
 * checked against the compiled template, and against each other: same parameters, same variables,
 * same defaults. The docs show `az` only with the file it can use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_BASE64_ENV } from '../../shared/setup/azure-ids';
import { BICEP, describeWithValidator } from '../tools/validators';
import { BICEP_TEST_TIMEOUT_MS, compileMain, describeDiagnostics, INFRA, REQUIRED_ENV, runBicep, type ArmTemplate } from './bicep-cli';

const ROOT = join(INFRA, '..');
const PLACEHOLDER = /^\$\{([A-Z][A-Z0-9_]*)(?:=([^}]*))?\}$/;

interface Mapping { variable: string; default?: string }

/** main.parameters.json: parameter → the azd environment variable and its default. */
export function azdParameterMappings(text = readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')): Record<string, Mapping> {
  const parameters = JSON.parse(text).parameters as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parameters).map(([name, { value }]) => {
    const m = typeof value === 'string' ? PLACEHOLDER.exec(value) : null;
    if (!m) throw new Error(`main.parameters.json: ${name} is not one \${NAME} or \${NAME=default} placeholder`);
    return [name, m[2] === undefined ? { variable: m[1] } : { variable: m[1], default: m[2] }];
  }));
}

/** `bicep build-params infra/main.bicepparam` with exactly this environment: parameter → value. */
async function bicepparamValues(env: Record<string, string>): Promise<{ values: Record<string, unknown>; diagnostics: string[] }> {
  const run = await runBicep(['build-params', join(INFRA, 'main.bicepparam'), '--stdout'], env);
  if (run.exitCode !== 0) return { values: {}, diagnostics: describeDiagnostics(run) };
  const parameters = JSON.parse(JSON.parse(run.stdout).parametersJson).parameters as Record<string, { value: unknown }>;
  return { values: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.value])), diagnostics: describeDiagnostics(run) };
}

describe('main.parameters.json (azd)', () => {
  it('is one placeholder per parameter; the config comes from the variable setup prints', () => {
    const mappings = azdParameterMappings();
    expect(mappings.mailboxConfigBase64).toEqual({ variable: CONFIG_BASE64_ENV });
    expect(mappings.environmentName).toEqual({ variable: 'AZURE_ENV_NAME' });
    expect(mappings.location).toEqual({ variable: 'AZURE_LOCATION' });
  });

  it('failing twin: a literal value instead of a placeholder is refused', () => {
    expect(() => azdParameterMappings('{"parameters":{"location":{"value":"westeurope"}}}')).toThrow(/location is not one/);
  });

  it('the deployer\'s principal type comes from azd (AZURE_PRINCIPAL_TYPE), so a service principal running azd up gets its role', () => {
    expect(azdParameterMappings().principalType).toEqual({ variable: 'AZURE_PRINCIPAL_TYPE' });
  });
});

describe('the docs show `az deployment` only with a parameter file az can read', () => {
  // The README and every page in docs/ (the what-if command is in docs/deploy.md).
  const docs = ['README.md', 'infra/README.md', 'infra/main.bicep', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const azWith = (text: string) => [...text.matchAll(/az deployment (?:sub|group) [^\n`]*/g)].map((m) => m[0]);

  it('every `az deployment` command names main.bicepparam, none main.parameters.json (azd placeholders reach Azure unfilled)', () => {
    const commands = docs.flatMap((file) => azWith(readFileSync(join(ROOT, file), 'utf8')).map((c) => `${file}: ${c}`));
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.filter((c) => !/-p infra\/main\.bicepparam\b/.test(c) || /main\.parameters\.json/.test(c))).toEqual([]);
  });

  it('failing twin: the old claim is caught', () => {
    const old = 'works too: `az deployment sub create -l <region> -f infra/main.bicep -p infra/main.parameters.json`';
    expect(azWith(old).filter((c) => !/-p infra\/main\.bicepparam\b/.test(c) || /main\.parameters\.json/.test(c))).toHaveLength(1);
  });
});

describeWithValidator(BICEP, 'parameters against the compiled template (real Bicep CLI)', () => {
  let template: ArmTemplate;
  /** An environment value as the parameter receives it: azd converts a string to a bool parameter's type (armParameterFileValue, strconv.ParseBool); main.bicepparam uses bool(). */
  const typed = (name: string, text: string): unknown => (template.parameters[name].type === 'bool' ? text === 'true' : text);
  beforeAll(async () => {
    template = (await compileMain()).template;
  }, BICEP_TEST_TIMEOUT_MS);

  it('main.parameters.json names only parameters of main.bicep, and every required one', () => {
    const mappings = azdParameterMappings();
    expect(Object.keys(mappings).filter((name) => !(name in template.parameters))).toEqual([]);
    const required = Object.entries(template.parameters).filter(([, p]) => !('defaultValue' in p)).map(([name]) => name);
    expect(required.sort()).toEqual(['environmentName', 'location', 'mailboxConfigBase64']);
    expect(required.filter((name) => !(name in mappings))).toEqual([]);
  });

  it('an optional placeholder\'s default is the parameter\'s own default (azd and az deploy the same thing)', () => {
    const differing = Object.entries(azdParameterMappings())
      .filter(([name, m]) => m.default !== undefined && template.parameters[name].defaultValue !== typed(name, m.default))
      .map(([name, m]) => `${name}: main.parameters.json ${JSON.stringify(m.default)}, main.bicep ${JSON.stringify(template.parameters[name].defaultValue)}`);
    expect(differing).toEqual([]);
  });

  it('principalType takes User or ServicePrincipal, User by default', () => {
    expect(template.parameters.principalType).toMatchObject({ type: 'string', defaultValue: 'User', allowedValues: ['User', 'ServicePrincipal'] });
  });

  it('main.bicepparam compiles (bicep build-params) and reads every parameter from the variable azd uses', async () => {
    const mappings = azdParameterMappings();
    const markers = Object.fromEntries(Object.values(mappings).map((m) => [m.variable, `marker-${m.variable}`]));
    // Values with allowed sets must be valid ones for the compile to succeed.
    markers.HEARTBEAT_MINUTES = '30';
    markers.AZURE_PRINCIPAL_TYPE = 'ServicePrincipal';
    markers.AZURE_KEY_VAULT_NAME = 'kv-marker'; // at most 24 characters (BCP332)
    markers.KEY_VAULT_PURGE_PROTECTION = 'false';
    markers.KEY_VAULT_CREATE_MODE = 'recover';
    const { values, diagnostics } = await bicepparamValues(markers);
    expect(diagnostics).toEqual([]);
    expect(values).toEqual(Object.fromEntries(Object.entries(mappings).map(([name, m]) => [name, typed(name, markers[m.variable])])));
  }, BICEP_TEST_TIMEOUT_MS);

  it('with only the required variables set, main.bicepparam gives main.parameters.json\'s defaults', async () => {
    const { values, diagnostics } = await bicepparamValues(REQUIRED_ENV);
    expect(diagnostics).toEqual([]);
    // A variable azd always fills itself (AZURE_PRINCIPAL_ID, AZURE_PRINCIPAL_TYPE) falls back to the template's default.
    const given = (variable: string) => (REQUIRED_ENV as Record<string, string>)[variable];
    const expected = Object.fromEntries(Object.entries(azdParameterMappings()).map(([name, m]) => [name, m.default !== undefined ? typed(name, m.default) : given(m.variable) ?? template.parameters[name].defaultValue]));
    expect(values).toEqual(expected);
  }, BICEP_TEST_TIMEOUT_MS);

  it('failing twin: a required variable missing is BCP427, naming it', async () => {
    const { AZURE_ENV_NAME: _omitted, ...rest } = REQUIRED_ENV;
    const { diagnostics } = await bicepparamValues(rest);
    expect(diagnostics).toEqual([expect.stringMatching(/^Error BCP427 infra\/main\.bicepparam:\d+: Environment variable "AZURE_ENV_NAME" does not exist/)]);
  }, BICEP_TEST_TIMEOUT_MS);
});
