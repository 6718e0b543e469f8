/**
 * Checks an az argv (as bash or PowerShell really passed it to the recording `az`) against the
 * Azure CLI reference pinned in tools/azure/reference/az-commands.json: the command path exists,
 * every parameter is one the command has (written in full), a parameter that takes a value has
 * one, accepted values and the formats the CLI validates (keyvault datetimes, integers) hold, and
 * required parameters are there. Parsing follows argparse, which az uses: `--name value` or
 * `--name=value`; a token starting with `-` is never taken as a value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AzParameter {
  names: string[];
  takes: 'value' | 'values' | 'flag' | 'optional-boolean';
  required: boolean;
  acceptedValues?: string[];
  format?: { format: 'az-keyvault-datetime' | 'integer' };
}

interface AzReference {
  source: { repo: string; commit: string };
  globalParameters: AzParameter[];
  commands: Record<string, { path: string; parameters: AzParameter[] }>;
}

export const AZ_REFERENCE_FILE = join(__dirname, '..', '..', 'tools', 'azure', 'reference', 'az-commands.json');
let cached: AzReference | undefined;
export function azReference(): AzReference {
  cached ??= JSON.parse(readFileSync(AZ_REFERENCE_FILE, 'utf8')) as AzReference;
  return cached;
}

export type AzProblemKind = 'unknown-command' | 'unknown-parameter' | 'missing-value' | 'bad-value' | 'missing-required' | 'unexpected-argument';
export interface AzProblem {
  kind: AzProblemKind;
  message: string;
}

const isOption = (token: string) => /^-[-A-Za-z]/.test(token);

/** strptime with the formats keyvault's datetime_type() tries, in turn (az-commands.json cites the source). */
function isKeyVaultDatetime(value: string): boolean {
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2}))?)?Z)?$/);
  if (!m) return false;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  return date.getUTCFullYear() === +y && date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d && +h < 24 && +mi < 60 && +s < 60;
}

function checkValue(parameter: AzParameter, name: string, value: string): AzProblem[] {
  const problems: AzProblem[] = [];
  if (parameter.acceptedValues && !parameter.acceptedValues.some((v) => v.toLowerCase() === value.toLowerCase())) {
    problems.push({ kind: 'bad-value', message: `${name} ${JSON.stringify(value)}: not one of ${parameter.acceptedValues.join(', ')}` });
  }
  if (parameter.format?.format === 'az-keyvault-datetime' && !isKeyVaultDatetime(value)) {
    problems.push({ kind: 'bad-value', message: `${name} ${JSON.stringify(value)}: Key Vault takes YYYY-MM-DDTHH:MM:SSZ (or ...THH:MMZ, ...THHZ, YYYY-MM-DD), no fraction of a second, no offset` });
  }
  if (parameter.format?.format === 'integer' && !/^\s*[+-]?\d+\s*$/.test(value)) {
    problems.push({ kind: 'bad-value', message: `${name} ${JSON.stringify(value)}: an integer` });
  }
  return problems;
}

/** argv[0] is `az`. */
export function checkAzArgv(argv: string[]): AzProblem[] {
  const reference = azReference();
  const words = argv.slice(1);
  let path: string | undefined;
  for (let n = words.length; n > 0 && !path; n--) {
    const candidate = words.slice(0, n).join(' ');
    if (reference.commands[candidate] && !words.slice(0, n).some(isOption)) path = candidate;
  }
  if (!path) {
    const leading: string[] = [];
    for (const w of words) {
      if (isOption(w)) break;
      leading.push(w);
    }
    return [{ kind: 'unknown-command', message: `az ${leading.join(' ')}: not a command in the pinned Azure CLI reference (tools/azure/reference/az-commands.json; add it to extract-az.js if it is real)` }];
  }
  const command = reference.commands[path];
  const parameters = [...command.parameters, ...reference.globalParameters];
  const byName = new Map(parameters.flatMap((p) => p.names.map((n) => [n, p] as const)));
  const problems: AzProblem[] = [];
  const seen = new Set<AzParameter>();
  const tokens = words.slice(path.split(' ').length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!isOption(token)) {
      problems.push({ kind: 'unexpected-argument', message: `az ${path}: unexpected argument ${JSON.stringify(token)} (argparse: unrecognized arguments)` });
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const parameter = byName.get(name);
    if (!parameter) {
      const prefixed = [...byName.keys()].filter((n) => n.startsWith(name) && name.startsWith('--'));
      const hint = prefixed.length ? ` (the reference has ${prefixed.join(', ')}: write the full name)` : '';
      problems.push({ kind: 'unknown-parameter', message: `az ${path}: no parameter ${name}${hint}` });
      // Skip its would-be value so that one mistake is one problem.
      if (inline === undefined && tokens[i + 1] !== undefined && !isOption(tokens[i + 1])) i++;
      continue;
    }
    seen.add(parameter);
    if (parameter.takes === 'flag') {
      if (inline !== undefined) problems.push({ kind: 'bad-value', message: `az ${path}: ${name} is a flag and takes no value (got ${JSON.stringify(inline)})` });
      continue;
    }
    if (parameter.takes === 'optional-boolean') {
      const next = inline ?? tokens[i + 1];
      if (inline === undefined && next !== undefined && /^(true|false)$/i.test(next)) i++;
      else if (inline !== undefined && !/^(true|false)$/i.test(inline)) problems.push({ kind: 'bad-value', message: `az ${path}: ${name} takes true or false (got ${JSON.stringify(inline)})` });
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else {
      while (tokens[i + 1] !== undefined && !isOption(tokens[i + 1]) && (parameter.takes === 'values' || values.length === 0)) values.push(tokens[++i]);
    }
    if (values.length === 0) {
      problems.push({ kind: 'missing-value', message: `az ${path}: ${name} needs a value${tokens[i + 1] !== undefined ? ` (the next argument ${JSON.stringify(tokens[i + 1])} starts with - and argparse takes it for an option)` : ''}` });
      continue;
    }
    for (const value of values) problems.push(...checkValue(parameter, name, value).map((p) => ({ ...p, message: `az ${path}: ${p.message}` })));
  }
  for (const parameter of command.parameters) {
    if (parameter.required && !seen.has(parameter)) problems.push({ kind: 'missing-required', message: `az ${path}: ${parameter.names[0]} is required` });
  }
  return problems;
}
