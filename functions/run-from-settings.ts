/**
 * What both Functions do: load the config from the app setting once per warm instance and run
 * the checks. Secrets are cached briefly across warm runs; tokens through MSAL's cache.
 */
import { loadConfigFromSetting } from '../shared/config/load';
import type { Config } from '../shared/config/schema';
import { planRun } from '../shared/run/plan';
import type { RunReport } from '../shared/contract/result';
import { runChecks } from '../shared/run/run-checks';

let cached: { text: string; config: Config } | undefined;

function config(env: NodeJS.ProcessEnv): Config {
  const text = env.MAILBOX_HEALTH_CONFIG ?? '';
  if (cached?.text !== text) cached = { text, config: loadConfigFromSetting(env) };
  return cached.config;
}

export async function runFromSettings(only: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<RunReport> {
  const { report } = await runChecks(planRun(config(env), only), { env, warmSecretCache: true });
  return report;
}
