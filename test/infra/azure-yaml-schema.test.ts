/**
 * azure.yaml against azd's schema. No JSON-schema validator is installed here (zod's
 * fromJSONSchema refuses the schema's if/then rules), so the rules azure.yaml can meet are copied
 * from the schema, with its source:
 *   https://github.com/Azure/azure-dev/blob/ae35809f496491989273d0edefdeb70f245f399b/schemas/v1.0/azure.yaml.json
 *   (draft 2019-09, commit of 2026-08-21; the $schema comment at the top of azure.yaml points at main)
 * Top level: `name` required; unknown keys are allowed, but a known key must have its type — a bare
 * `infra:` is null, not an object. `hooks` allows only the command hooks below; a hook allows only
 * the keys below, `shell` only sh or pwsh; a hook with both `posix` and `windows` has nothing else,
 * and a hook with `shell` (or the other options) needs `run`. A service needs `host`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const TOP_LEVEL_TYPES: Record<string, 'string' | 'object'> = {
  name: 'string', resourceGroup: 'string', metadata: 'object', infra: 'object', services: 'object', resources: 'object',
  pipeline: 'object', hooks: 'object', requiredVersions: 'object', state: 'object', platform: 'object', workflows: 'object', cloud: 'object',
};
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const COMMAND_HOOKS = ['preprovision', 'postprovision', 'preinfracreate', 'postinfracreate', 'preinfradelete', 'postinfradelete', 'predown', 'postdown', 'preup', 'postup', 'prepackage', 'postpackage', 'prepublish', 'postpublish', 'predeploy', 'postdeploy', 'prerestore', 'postrestore'];
const HOOK_KEYS = ['shell', 'kind', 'dir', 'run', 'continueOnError', 'interactive', 'windows', 'posix', 'secrets', 'config'];
const NEEDS_RUN = ['interactive', 'continueOnError', 'secrets', 'shell', 'kind', 'dir', 'config'];

const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function hookProblems(path: string, hook: unknown): string[] {
  if (typeOf(hook) !== 'object') return [`${path}: a hook is an object, not ${typeOf(hook)}`];
  const h = hook as Record<string, unknown>;
  const problems = Object.keys(h).filter((k) => !HOOK_KEYS.includes(k)).map((k) => `${path}.${k}: not a hook key`);
  if (h.shell !== undefined && !['sh', 'pwsh'].includes(h.shell as string)) problems.push(`${path}.shell: ${String(h.shell)} is not sh or pwsh`);
  if (h.run !== undefined && typeof h.run !== 'string') problems.push(`${path}.run: not a string`);
  if ('posix' in h && 'windows' in h) problems.push(...Object.keys(h).filter((k) => k !== 'posix' && k !== 'windows').map((k) => `${path}.${k}: not allowed beside posix and windows`));
  else if (NEEDS_RUN.some((k) => k in h) && !('run' in h)) problems.push(`${path}: needs run`);
  for (const os of ['posix', 'windows']) if (os in h) problems.push(...hookProblems(`${path}.${os}`, h[os]));
  return problems;
}

export function azureYamlProblems(doc: unknown): string[] {
  if (typeOf(doc) !== 'object') return ['azure.yaml: not a mapping'];
  const d = doc as Record<string, unknown>;
  const problems: string[] = [];
  if (!('name' in d)) problems.push('name: required');
  for (const [key, type] of Object.entries(TOP_LEVEL_TYPES)) if (key in d && typeOf(d[key]) !== type) problems.push(`${key}: must be ${type === 'object' ? 'an object' : 'a string'}, is ${typeOf(d[key])}`);
  if (typeof d.name === 'string' && (d.name.length < 2 || !NAME.test(d.name))) problems.push(`name: ${d.name} is not lowercase letters, digits and inner hyphens`);
  if (typeOf(d.services) === 'object') {
    const services = d.services as Record<string, unknown>;
    if (Object.keys(services).length === 0) problems.push('services: at least one');
    for (const [name, service] of Object.entries(services)) {
      if (typeOf(service) !== 'object') { problems.push(`services.${name}: not an object`); continue; }
      const s = service as Record<string, unknown>;
      if (typeof s.host !== 'string') problems.push(`services.${name}.host: required string`);
      for (const key of ['project', 'language']) if (key in s && typeof s[key] !== 'string') problems.push(`services.${name}.${key}: not a string`);
    }
  }
  if (typeOf(d.hooks) === 'object') {
    for (const [name, hook] of Object.entries(d.hooks as Record<string, unknown>)) {
      if (!COMMAND_HOOKS.includes(name)) problems.push(`hooks.${name}: not a command hook`);
      else problems.push(...(Array.isArray(hook) ? hook.flatMap((h, i) => hookProblems(`hooks.${name}[${i}]`, h)) : hookProblems(`hooks.${name}`, hook)));
    }
  }
  return problems;
}

const text = readFileSync(join(__dirname, '..', '..', 'azure.yaml'), 'utf8');

describe('azure.yaml against azd\'s schema (v1.0, rules copied at azure-dev ae35809f)', () => {
  it('meets every rule', () => {
    expect(azureYamlProblems(parseYaml(text))).toEqual([]);
  });

  it('failing twin: a bare `infra:` key at the end (null) is refused', () => {
    expect(azureYamlProblems(parseYaml(`${text}infra:\n`))).toEqual(['infra: must be an object, is null']);
  });

  it('failing twin: an unknown hook, a hook key misspelt, a shell azd does not know, a service without host', () => {
    const doc = parseYaml(text);
    doc.hooks.postprovison = { run: 'echo' };
    doc.hooks.preprovision.posix.shel = 'sh';
    doc.hooks.preprovision.windows.shell = 'powershell';
    delete doc.services.monitor.host;
    expect(azureYamlProblems(doc).sort()).toEqual([
      'hooks.postprovison: not a command hook',
      'hooks.preprovision.posix.shel: not a hook key',
      'hooks.preprovision.windows.shell: powershell is not sh or pwsh',
      'services.monitor.host: required string',
    ]);
  });

  it('failing twin: run missing beside shell, and options beside posix and windows', () => {
    expect(azureYamlProblems({ name: 'x1', hooks: { predeploy: { shell: 'sh' }, postdeploy: { run: 'a', posix: { run: 'b' }, windows: { run: 'c' } } } })).toEqual([
      'hooks.predeploy: needs run',
      'hooks.postdeploy.run: not allowed beside posix and windows',
    ]);
  });
});
