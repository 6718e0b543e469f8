/**
 * Conventions of the files in infra/ that no compiler checks: no module from a registry (the CLI
 * compiles the tree offline, in CI too), every role id named in a comment, the workbook JSON and
 * azure.yaml's service and hook. What the template deploys is checked on the Bicep CLI's own
 * compile and snapshot (bicep-cli.test.ts, deployment-contents.test.ts, parameter-files.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_BASE64_ENV } from '../../shared/setup/azure-ids';

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const bicepFiles = files(infra).filter((f) => f.endsWith('.bicep'));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Module references that need a registry or a template spec: `br:`, `br/<alias>:`, `ts:`, `ts/<alias>:`. */
export const registryReferences = (text: string) => [...text.matchAll(/^\s*module\s+\w+\s+'((?:br|ts)[:/][^']*)'/gm)].map((m) => m[1]);

describe('infra/ files', () => {
  it('finds the template files', () => {
    expect(bicepFiles.map((f) => relative(infra, f)).sort()).toEqual(['app/alerts.bicep', 'app/function-app.bicep', 'app/identity.bicep', 'app/key-vault.bicep', 'app/monitoring.bicep', 'app/rbac.bicep', 'app/storage.bicep', 'app/workbook.bicep', 'main.bicep']);
  });

  it('no module comes from a registry or template spec: every module is a file in infra/', () => {
    expect(bicepFiles.flatMap((f) => registryReferences(readFileSync(f, 'utf8')).map((r) => `${relative(infra, f)}: ${r}`))).toEqual([]);
  });

  it('failing twin: an Azure Verified Module reference is found', () => {
    expect(registryReferences("module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {\nmodule x 'app/x.bicep' = {")).toEqual(['br/public:avm/res/web/serverfarm:0.1.1']);
  });

  it('every role assignment names its role in a comment', () => {
    const rbac = read('infra/app/rbac.bicep');
    const ids = [...rbac.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'(.*)$/gm)];
    expect(ids).toHaveLength(6);
    for (const [, , rest] of ids) expect(rest).toMatch(/\/\/ [A-Z][\w ]+: /);
  });

  it('azure.yaml names the Function App service from this folder and refuses to provision without the config', () => {
    const azure = parseYaml(read('azure.yaml'));
    // Deployed from the production build's folder, built here (test/deploy/package.test.ts).
    expect(azure.services.monitor).toEqual({ project: '.', language: 'ts', host: 'function', dist: 'dist/functionapp', remoteBuild: false });
    expect(azure.hooks.preprovision.posix.run).toContain(CONFIG_BASE64_ENV);
    expect(azure.hooks.preprovision.windows.run).toContain(CONFIG_BASE64_ENV);
  });

  it('the workbook is JSON with its seven queries (the 30-day uptime added, issue 20)', () => {
    const workbook = JSON.parse(read('infra/app/workbook.json'));
    expect(workbook.version).toBe('Notebook/1.0');
    expect(workbook.items.filter((i: { type: number }) => i.type === 3)).toHaveLength(7);
  });
});
