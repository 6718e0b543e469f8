/**
 * Loads and validates the configuration once: from a file (CLI) or from an app setting holding
 * JSON (Functions). Every problem is reported with its JSON path, all at once.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';
import { crossCheck } from './cross-checks';
import { fmt, kindOf } from './fields';
import { jsonPath } from './json-path';
import { parseJsonText } from './json-text';

export { jsonPath };
import { configSchema, type Config } from './schema';

/** The app setting the Functions read their configuration from. */
export const CONFIG_SETTING = 'MAILBOX_HEALTH_CONFIG';

/**
 * Far above any real configuration (10,000 mailboxes take about 1.5 MB), far below what would
 * hurt: /dev/zero or a mistaken log file must not be read until memory runs out.
 */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

function problemsOf(issues: z.core.$ZodIssue[], prefix: PropertyKey[] = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: jsonPath([...path, key]), message: 'is not a known field (check its spelling)' });
    } else if (issue.code === 'invalid_union') {
      // The one shape the value clearly meant (no problem at its root) speaks for itself.
      const meant = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0));
      if (meant.length === 1) problems.push(...problemsOf(meant[0]!, path));
      else problems.push({ path: jsonPath(path), message: unionMessage(path) });
    } else {
      problems.push({ path: jsonPath(path), message: friendly(issue) });
    }
  }
  return problems;
}

function unionMessage(path: PropertyKey[]): string {
  if (path.at(-1) === 'credential') return 'must be {"keyVaultSecret": "<secret name>"} (optional "version", "keyVaultUrl") or {"env": "<VARIABLE>"}, or for a certificate {"keyVaultCertificate": "<certificate name>"} (optional "version", "keyVaultUrl", "sendX5c") or {"certificateFile": "<path>"}';
  if (path.at(-2) === 'maintenance') return 'must be a one-off window {"start": "2026-12-05T16:00:00Z", "end": "2026-12-05T18:00:00Z", "reason": "…"} or a daily one {"daily": "22:00-23:30", "reason": "…"} (optional "days": ["sat", "sun"]); times in UTC';
  if (path.at(-1) === 'cloud') return 'must be "public", "usgov", "china" or {"authorityHost": "https://...", "imapResource": "https://..."}';
  return 'does not match any accepted shape';
}

const NAMES: Record<string, string> = { int: 'a whole number', number: 'a number', string: 'a string', object: 'an object', array: 'an array', boolean: 'true or false' };

function friendly(issue: z.core.$ZodIssue): string {
  // Messages written in the schema are already plain words; zod's own fallbacks are not.
  if (!/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message)) return issue.message;
  if (issue.code === 'invalid_type') {
    const expected = NAMES[issue.expected] ?? issue.expected;
    return issue.input === undefined ? `is required (${expected})` : `must be ${expected}, not ${kindOf(issue.input)}`;
  }
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Validates an already parsed value; `source` names it in the error (a file, an app setting). */
export function parseConfig(value: unknown, source: string): Config {
  // reportInput: the type of a wrong value makes a better message; the value itself is never printed.
  const result = configSchema.safeParse(value, { reportInput: true });
  const problems = dedupe([...(result.success ? [] : problemsOf(result.error.issues)), ...crossCheck(value)]);
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.path}\n${p.message}`) && Boolean(seen.add(`${p.path}\n${p.message}`)));
}

export function parseConfigText(text: string, source: string): Config {
  return parseConfig(parseJsonText(text, source), source);
}

/** Reads a regular file of bounded size; devices, FIFOs and directories are refused, not read. */
export function readConfigFile(path: string): string {
  if (path === '') throw new ConfigError('--config', [{ path: '$', message: 'is an empty file name: give the path of the configuration JSON file' }], "--config ''");
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ConfigError(path, [{ path: '$', message: fileError(error) }]);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ConfigError(path, [{ path: '$', message: 'is a directory, not a file: give the path of the configuration JSON file (e.g. mailboxes.json)' }]);
    if (!stat.isFile()) throw new ConfigError(path, [{ path: '$', message: `is ${stat.isFIFO() ? 'a pipe (FIFO)' : stat.isSocket() ? 'a socket' : 'a device'}, not a regular file: save the configuration to a file and give its path` }]);
    if (stat.size > MAX_CONFIG_BYTES) throw tooLarge(path, stat.size);
    // The size can change between fstat and read: never read past the limit.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_CONFIG_BYTES) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > MAX_CONFIG_BYTES) throw tooLarge(path, length);
    return decode(buffer.subarray(0, length), path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(path, [{ path: '$', message: fileError(error) }]);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(source: string, bytes: number): ConfigError {
  return new ConfigError(source, [{ path: '$', message: `is too large (${fmt(bytes)} bytes; a configuration is at most ${fmt(MAX_CONFIG_BYTES)} bytes)` }]);
}

function fileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file: give the path of the configuration JSON file (e.g. mailboxes.json)';
  return `cannot be read (${code ?? (error as Error).message})`;
}

/** UTF-8, with or without a BOM. UTF-16 (Windows "Unicode") is named rather than parsed as junk. */
function decode(bytes: Buffer, source: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0));
  if (utf16) throw new ConfigError(source, [{ path: '$', message: 'is UTF-16 encoded (Windows "Unicode"): save it as UTF-8' }]);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

export function loadConfigFile(path: string): Config {
  return parseConfigText(readConfigFile(path), path);
}

/** Functions: the whole config as JSON in one app setting. */
export function loadConfigFromSetting(env: NodeJS.ProcessEnv = process.env, name = CONFIG_SETTING): Config {
  const text = env[name];
  const source = `app setting ${name}`;
  if (!text) throw new ConfigError(source, [{ path: '$', message: `is not set: put the configuration JSON in the app setting ${name}` }]);
  if (text.length > MAX_CONFIG_BYTES) throw tooLarge(source, Buffer.byteLength(text));
  return parseConfigText(text.replace(/^\uFEFF/, ''), source);
}
