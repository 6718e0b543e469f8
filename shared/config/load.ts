/**
 * Loads and validates the configuration once: from a file (CLI) or from an app setting holding
 * JSON (Functions). Every problem is reported with its JSON path, all at once.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';
import { crossCheck } from './cross-checks';
import { configSchema, type Config } from './schema';

/** The app setting the Functions read their configuration from. */
export const CONFIG_SETTING = 'MAILBOX_HEALTH_CONFIG';

export function jsonPath(path: PropertyKey[]): string {
  let out = '$';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`;
  return out;
}

function problemsOf(error: z.ZodError): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: jsonPath([...issue.path, key]), message: 'is not a known field (check its spelling)' });
    } else if (issue.code === 'invalid_union') {
      problems.push({ path: jsonPath(issue.path), message: unionMessage(issue.path) });
    } else {
      problems.push({ path: jsonPath(issue.path), message: friendly(issue) });
    }
  }
  return problems;
}

function unionMessage(path: PropertyKey[]): string {
  if (path.at(-1) === 'credential') return 'must be {"keyVaultSecret": "<secret name>"} (optional "version", "keyVaultUrl") or {"env": "<VARIABLE>"}';
  if (path.at(-1) === 'cloud') return 'must be "public", "usgov", "china" or {"authorityHost": "https://...", "imapResource": "https://..."}';
  return 'does not match any accepted shape';
}

function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `is required (${issue.expected})` : `must be a ${issue.expected}, not ${typeof issue.input === 'object' ? (issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : 'an object') : `a ${typeof issue.input}`}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** Validates an already parsed value; `source` names it in the error (a file, an app setting). */
export function parseConfig(value: unknown, source: string): Config {
  // reportInput: the type of a wrong value makes a better message; the value itself is never printed.
  const result = configSchema.safeParse(value, { reportInput: true });
  const problems = [...(result.success ? [] : problemsOf(result.error)), ...crossCheck(value)];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

export function parseConfigText(text: string, source: string): Config {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [{ path: '$', message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return parseConfig(value, source);
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [{ path: '$', message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (error as Error).message})` }]);
  }
  return parseConfigText(text.replace(/^\uFEFF/, ''), path);
}

/** Functions: the whole config as JSON in one app setting. */
export function loadConfigFromSetting(env: NodeJS.ProcessEnv = process.env, name = CONFIG_SETTING): Config {
  const text = env[name];
  if (!text) throw new ConfigError(`app setting ${name}`, [{ path: '$', message: `is not set: put the configuration JSON in the app setting ${name}` }]);
  return parseConfigText(text, `app setting ${name}`);
}
