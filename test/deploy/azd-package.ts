/**
 * The Function App package as `azd package` / `azd deploy` builds it, ported from azd's source so
 * a test can list it without azd or Azure (neither is available here). Read at Azure/azure-dev
 * commit ae35809f496491989273d0edefdeb70f245f399b (2026-08-21):
 *
 * - cli/azd/pkg/project/framework_service_node.go: Restore runs `npm install`, Build and Package
 *   each run `npm run build --if-present` (cli/azd/pkg/tools/node/node.go); the package source is
 *   the service folder joined with `dist` (ServiceConfig.OutputPath) when set.
 * - cli/azd/pkg/project/project_utils.go, createDeployableZip: walks that folder (rzip, symlinks
 *   followed) and leaves out a `.azure` folder, the ignore file itself, `local.settings.json` (host
 *   `function`), and what the ignore file read *from that folder* matches (`.funcignore` for
 *   `function`, service_target.go IgnoreFile); without an ignore file, a JS/TS service leaves out
 *   `node_modules` unless `remoteBuild` is false.
 * - cli/azd/pkg/project/service_target_functionapp.go, resolveFunctionAppRemoteBuild: for JS/TS
 *   on Flex Consumption the ignore file of the *service folder* decides: remote build on when
 *   `remoteBuild` is unset and it excludes node_modules (or there is none), an error when
 *   `remoteBuild: true` does not exclude node_modules or `remoteBuild: false` does.
 * - cli/azd/pkg/azsdk/funcapp_host_client.go: the zip is POSTed to `/api/publish`, with
 *   `?RemoteBuild=true` only when remote build is on (then Oryx runs `npm install` and
 *   `npm run build` in Azure).
 *
 * The ignore file is matched with gitignore rules (azd uses github.com/denormal/go-gitignore):
 * `#` comments, `!` negation (the last matching line wins), a trailing `/` for folders only, a
 * pattern with a `/` anchored at the folder, `*`, `?` and `**`. Anything else throws, so a rule
 * this port does not understand cannot pass unnoticed.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const IGNORE_FILE = '.funcignore';

export interface ServiceConfig {
  project: string;
  language: string;
  host: string;
  dist?: string;
  remoteBuild?: boolean;
}

export function readService(projectRoot: string, name = 'monitor'): ServiceConfig {
  const yaml = parseYaml(readFileSync(join(projectRoot, 'azure.yaml'), 'utf8')) as { services: Record<string, ServiceConfig> };
  const service = yaml.services[name];
  if (!service) throw new Error(`azure.yaml has no service "${name}"`);
  return service;
}

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  anchored: boolean;
  re: RegExp;
  text: string;
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` any folders, `/**` everything below, a lone `**` anything.
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[' || c === ']' || c === '\\') throw new Error(`${IGNORE_FILE}: "${glob}": character classes and escapes are not understood by this port`);
    else out += c.replace(/[.+^${}()|]/g, '\\$&');
  }
  return out;
}

export function parseIgnore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    let line = raw.replace(/\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    rules.push({ negate, dirOnly, anchored, re: new RegExp(`^${globToRegExp(line)}$`), text: raw });
  }
  return rules;
}

/** True when the rules leave `rel` (a path relative to the ignore file's folder, `/`-separated) out. */
export function ignored(rules: Rule[], rel: string, isDir: boolean): boolean {
  let result = false;
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.re.test(rule.anchored ? rel : base)) result = !rule.negate;
  }
  return result;
}

/** resolveFunctionAppRemoteBuild for a JS/TS service: whether azd asks Azure to build, or its refusal. */
export function resolveRemoteBuild(service: ServiceConfig, projectRoot: string): boolean {
  const file = join(projectRoot, service.project, IGNORE_FILE);
  if (!existsSync(file)) return service.remoteBuild ?? true;
  const nodeModulesExcluded = ignored(parseIgnore(readFileSync(file, 'utf8')), 'node_modules', true);
  if (service.remoteBuild === undefined) return nodeModulesExcluded;
  if (service.remoteBuild && !nodeModulesExcluded) throw new Error(`'remoteBuild: true' requires '${IGNORE_FILE}' to exclude node_modules`);
  if (!service.remoteBuild && nodeModulesExcluded) throw new Error(`'remoteBuild: false' cannot be used when '${IGNORE_FILE}' excludes node_modules`);
  return service.remoteBuild;
}

/** The folder azd zips: the service folder, or its `dist` when set. */
export function packageRoot(service: ServiceConfig, projectRoot: string): string {
  return join(projectRoot, service.project, service.dist ?? '');
}

export interface PackagedFile {
  /** Path inside the zip, `/`-separated. */
  path: string;
  bytes: number;
  source: string;
}

/**
 * createDeployableZip's file list for the folder `root`: what the zip holds, in azd's order.
 * `withoutIgnoreFile` lists it as if the folder had no ignore file (the project before issue 17).
 */
export function packageFiles(service: ServiceConfig, root: string, options: { withoutIgnoreFile?: boolean } = {}): PackagedFile[] {
  const ignoreFile = join(root, IGNORE_FILE);
  const rules = existsSync(ignoreFile) && !options.withoutIgnoreFile ? parseIgnore(readFileSync(ignoreFile, 'utf8')) : undefined;
  const files: PackagedFile[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir).sort()) {
      const source = join(dir, name);
      const link = lstatSync(source);
      const isDir = link.isSymbolicLink() ? statSync(source).isDirectory() : link.isDirectory();
      const rel = relative(root, source).split(sep).join('/');
      if (name === '.azure' && isDir) continue;
      if (name === IGNORE_FILE && !isDir) continue;
      if (service.host === 'function' && name === 'local.settings.json' && !isDir) continue;
      if (rules) {
        if (ignored(rules, rel, isDir)) continue;
      } else if ((service.language === 'ts' || service.language === 'js') && name === 'node_modules' && isDir && service.remoteBuild !== false) continue;
      if (isDir) {
        if (depth < 40) walk(source, link.isSymbolicLink() ? depth + 1 : depth);
      } else files.push({ path: rel, bytes: statSync(source).size, source });
    }
  };
  walk(root, 0);
  return files;
}
