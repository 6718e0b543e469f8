import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError, NO_CONFIG, configFailure } from '../shared/config/config-error';
import { CONFIG_SETTING, loadConfigFile, loadConfigFromSetting } from '../shared/config/load';
import type { Config } from '../shared/config/schema';
import { writeJsonBody, writeText } from './output';
import { inert } from '../shared/diagnosis/outside-text';

/** The default file name looked for in the current directory. */
export const DEFAULT_CONFIG_FILE = 'mailboxes.json';

export type ConfigSource = { file: string } | { setting: string } | undefined;

/**
 * One lookup order for every command, the order in the messages: --config FILE, then the
 * MAILBOX_HEALTH_CONFIG setting (JSON, as on Functions), then ./mailboxes.json. An empty
 * setting counts as unset (a cleared variable); an empty --config is an error of its own.
 */
export function findConfig(option: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ConfigSource {
  if (option !== undefined) return { file: option };
  if (env[CONFIG_SETTING]) return { setting: CONFIG_SETTING };
  return existsSync(join(cwd, DEFAULT_CONFIG_FILE)) ? { file: DEFAULT_CONFIG_FILE } : undefined;
}

export function noConfigError(cwd = process.cwd()): ConfigError {
  return new ConfigError(
    NO_CONFIG,
    [{ path: '$', message: `looked for, in this order: --config <file>, the ${CONFIG_SETTING} environment variable (the configuration JSON), ${join(cwd, DEFAULT_CONFIG_FILE)}` }],
    'no configuration found',
  );
}

export function loadConfig(option: string | undefined): Config {
  const source = findConfig(option);
  if (!source) throw noConfigError();
  return 'file' in source ? loadConfigFile(source.file) : loadConfigFromSetting(process.env, source.setting);
}

/** Bad config is exit 3 (unknown); with --json the problems are JSON too, for the machine reading. */
export async function reportConfigError(error: ConfigError, json: boolean): Promise<number> {
  if (json) await writeJsonBody({ status: 'unknown', failure: configFailure(error) });
  else await writeText(process.stderr, `CONFIG_INVALID: ${inert(error.message)}\n`);
  return 3;
}
