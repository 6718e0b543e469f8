import { ConfigError, configFailure } from '../shared/config/config-error';
import { CONFIG_SETTING, loadConfigFile, loadConfigFromSetting } from '../shared/config/load';
import type { Config } from '../shared/config/schema';
import { writeComplete } from '../shared/report/json';

/** --config FILE, or the app setting's JSON in the environment (as on Functions). */
export function loadConfig(file: string | undefined): Config {
  return file ? loadConfigFile(file) : loadConfigFromSetting(process.env, CONFIG_SETTING);
}

/** Bad config is exit 3 (unknown); with --json the problems are JSON too, for the machine reading. */
export async function reportConfigError(error: ConfigError, json: boolean): Promise<number> {
  if (json) {
    const body = { status: 'unknown', failure: configFailure(error) };
    await writeComplete(process.stdout, JSON.stringify(body, null, 2) + '\n');
  } else {
    await writeComplete(process.stderr, `CONFIG_INVALID: ${error.message}\n`);
  }
  return 3;
}
