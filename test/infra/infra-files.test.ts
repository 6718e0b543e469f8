/**
 * What can be checked of infra/ here: every Bicep file parses (tree-sitter-bicep — a syntax
 * parse, not a compile), azure.yaml, the parameter file and the workbook parse, parameters and
 * outputs line up with what azd and `mailbox-health setup` use, and the queues and tables the
 * template creates are the ones the code opens.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CHECK_QUEUE, POISON_QUEUE } from '../../shared/fanout/fanout-settings';
import { INCIDENT_TABLE } from '../../shared/notify/incident-store';
import { CONFIG_BASE64_ENV, DEPLOYMENT_OUTPUTS } from '../../shared/setup/azure-ids';
import { HISTORY_TABLE, LATEST_TABLE } from '../../shared/state/mailbox-state';
import { declared, parseBicep, stringsOfVariable, syntaxErrors } from './bicep-parse';

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const bicepFiles = files(infra).filter((f) => f.endsWith('.bicep'));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('infra/ Bicep (syntax parse with tree-sitter-bicep, not a compile)', () => {
  it('finds the template files', () => {
    expect(bicepFiles.map((f) => relative(infra, f)).sort()).toEqual(['app/alerts.bicep', 'app/function-app.bicep', 'app/monitoring.bicep', 'app/rbac.bicep', 'app/storage.bicep', 'app/workbook.bicep', 'main.bicep']);
  });

  for (const file of bicepFiles) {
    it(`${relative(infra, file)} parses without syntax errors`, async () => {
      expect(syntaxErrors(await parseBicep(readFileSync(file, 'utf8')))).toEqual([]);
    });
  }

  it('failing twin: a missing brace or a stray token is reported with its line', async () => {
    const broken = read('infra/app/workbook.bicep').replace("kind: 'shared'", "kind: 'shared' = =").replace(/\}\s*$/, '');
    const errors = syntaxErrors(await parseBicep(broken));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/line \d+/);
  });

  it('modules from the Bicep public registry are Azure Verified Modules pinned to a version', () => {
    const references = bicepFiles.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(br\/public:[^']+)'/g)].map((m) => m[1]));
    expect(references.length).toBeGreaterThanOrEqual(6);
    for (const reference of references) expect(reference).toMatch(/^br\/public:avm\/res\/[a-z-]+\/[a-z-]+:\d+\.\d+\.\d+$/);
  });

  it('every role assignment names its role in a comment', () => {
    const rbac = read('infra/app/rbac.bicep');
    const ids = [...rbac.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'(.*)$/gm)];
    expect(ids).toHaveLength(6);
    for (const [, , rest] of ids) expect(rest).toMatch(/\/\/ [A-Z][\w ]+: /);
  });

  it('no keys anywhere: shared-key access and local auth off, publishing credentials off, no listKeys', () => {
    const all = bicepFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(all).toContain('allowSharedKeyAccess: false');
    expect(all).toContain('disableLocalAuth: true');
    expect(all).toContain('enableRbacAuthorization: true');
    expect(all).toContain('enablePurgeProtection: true');
    expect(all.match(/allow: false/g)).toHaveLength(2);
    expect(all).not.toMatch(/listKeys|AccountKey=|InstrumentationKey=/);
    expect(read('infra/app/function-app.bicep')).toMatch(/runtime: \{\s+name: 'node'\s+version: '22'/);
    expect(read('infra/app/function-app.bicep')).toContain("tier: 'FlexConsumption'");
  });

  it('the queues and tables created are the ones the code opens', async () => {
    const storage = await parseBicep(read('infra/app/storage.bicep'));
    expect(stringsOfVariable(storage, 'queueNames').sort()).toEqual([CHECK_QUEUE, POISON_QUEUE].sort());
    expect(stringsOfVariable(storage, 'tableNames').sort()).toEqual([LATEST_TABLE, HISTORY_TABLE, INCIDENT_TABLE].sort());
  });

  it('main.bicep outputs what azd and `mailbox-health setup` read', async () => {
    const main = await parseBicep(read('infra/main.bicep'));
    expect(declared(main, 'output_declaration')).toEqual(expect.arrayContaining(Object.values(DEPLOYMENT_OUTPUTS)));
  });
});

describe('azure.yaml, the parameter file and the workbook', () => {
  it('azure.yaml is YAML naming the Function App service from this folder', () => {
    const azure = parseYaml(read('azure.yaml'));
    // Deployed from the production build's folder, built here (test/deploy/package.test.ts).
    expect(azure.services.monitor).toEqual({ project: '.', language: 'ts', host: 'function', dist: 'dist/functionapp', remoteBuild: false });
    expect(azure.hooks.preprovision.posix.run).toContain(CONFIG_BASE64_ENV);
  });

  it('main.parameters.json is JSON whose parameters are exactly main.bicep\'s, required ones all given', async () => {
    const parameters = JSON.parse(read('infra/main.parameters.json')).parameters as Record<string, { value: string }>;
    const main = await parseBicep(read('infra/main.bicep'));
    const params = declared(main, 'parameter_declaration');
    for (const name of Object.keys(parameters)) expect(params).toContain(name);
    const required = main.rootNode.descendantsOfType('parameter_declaration').filter((p) => !p!.text.includes('=')).map((p) => p!.namedChildren.find((c) => c?.type === 'identifier')!.text);
    expect(required.sort()).toEqual(['environmentName', 'location', 'mailboxConfigBase64']);
    for (const name of required) expect(Object.keys(parameters)).toContain(name);
    expect(parameters.mailboxConfigBase64.value).toBe(`\${${CONFIG_BASE64_ENV}}`);
  });

  it('the workbook is JSON with its six queries', () => {
    const workbook = JSON.parse(read('infra/app/workbook.json'));
    expect(workbook.version).toBe('Notebook/1.0');
    expect(workbook.items.filter((i: { type: number }) => i.type === 3)).toHaveLength(6);
  });
});
