/**
 * Which sinks a run goes to, decided by the environment (app settings on Functions, variables
 * for the CLI): each sink is configured by its own settings and absent when they are unset. A
 * sink's module, and the SDK behind it, is required only when the sink is configured: even the
 * parts of the Application Insights SDK the reporter loads (app-insights-client.ts) cost ~0.7 s of
 * CPU unbundled (the whole SDK 1.4–2.3 s: docs/SDK-FACTS.md), which `validate`, a non-reporting
 * `check` and a Function App without the setting must not pay.
 *
 * To add a sink, add one factory to FACTORIES: the settings it reads and how it is built.
 */
import { hostname } from 'node:os';
import type { Delivery } from './delivery';
import { STATE_SETTINGS, stateConfigured } from './state-settings';
import type { Sink } from './sink';

export interface SinkFactory {
  /** The environment variables this sink reads (a change of any of them builds it anew). */
  readonly settings: readonly string[];
  /** The sink, or undefined when it is not configured. Throw with the setting's name when it is unusable. */
  create(env: NodeJS.ProcessEnv): Sink | undefined;
}

export const CONNECTION_STRING_SETTING = 'APPLICATIONINSIGHTS_CONNECTION_STRING';
export const FLUSH_TIMEOUT_SETTING = 'TELEMETRY_FLUSH_TIMEOUT_SECONDS';
export const DEFAULT_FLUSH_TIMEOUT_MS = 5000;

const appInsights: SinkFactory = {
  // WEBSITE_*: set by App Service itself; they name the cloud role and instance.
  settings: [CONNECTION_STRING_SETTING, 'TELEMETRY_OFFLINE_STORAGE', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'WEBSITE_SITE_NAME', 'WEBSITE_INSTANCE_ID'],
  create(env) {
    const connectionString = env[CONNECTION_STRING_SETTING];
    if (!connectionString) return undefined;
    const offline = env.TELEMETRY_OFFLINE_STORAGE || 'on';
    if (offline !== 'on' && offline !== 'off') throw new Error(`TELEMETRY_OFFLINE_STORAGE: "${offline}" is neither "on" nor "off"`);
    // Required here, not imported at the top: see the file comment.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AppInsightsSink } = require('./app-insights-sink') as typeof import('./app-insights-sink');
    return new AppInsightsSink({
      connectionString,
      offlineStorage: offline === 'on',
      authentication: env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
      // The Function App's name and worker in Azure; the tool's name and this host elsewhere.
      cloudRole: { name: env.WEBSITE_SITE_NAME?.trim() || 'm365-mailbox-health', instance: env.WEBSITE_INSTANCE_ID?.trim() || hostname() },
    });
  },
};

/** Per-mailbox state in Table Storage: on wherever Storage is configured (every Function App). */
const state: SinkFactory = {
  settings: [...STATE_SETTINGS],
  create(env) {
    if (!stateConfigured(env)) return undefined;
    // Required here, not imported at the top: the Storage SDKs load only where state is kept.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StateSink, stateStoreFromSettings } = require('./state-sink') as typeof import('./state-sink');
    return new StateSink(stateStoreFromSettings(env));
  },
};

const FACTORIES: SinkFactory[] = [appInsights, state];

export function flushTimeoutMs(env: NodeJS.ProcessEnv): number {
  const text = env[FLUSH_TIMEOUT_SETTING];
  if (text === undefined || text.trim() === '') return DEFAULT_FLUSH_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 120) {
    throw new Error(`${FLUSH_TIMEOUT_SETTING}: "${text}" is not a number of seconds between 0 and 120`);
  }
  return Math.round(seconds * 1000);
}

/** Builds the configured sinks. A bad setting never stops the check: it is named in `problems`. */
export function sinksFromEnv(env: NodeJS.ProcessEnv = process.env, factories: readonly SinkFactory[] = FACTORIES): Delivery {
  const problems: string[] = [];
  let timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS;
  try {
    timeoutMs = flushTimeoutMs(env);
  } catch (error) {
    problems.push(`${(error as Error).message}; using ${DEFAULT_FLUSH_TIMEOUT_MS / 1000} s`);
  }
  const sinks: Sink[] = [];
  for (const factory of factories) {
    try {
      const sink = factory.create(env);
      if (sink) sinks.push(sink);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { sinks, flushTimeoutMs: timeoutMs, problems };
}

let warm: { key: string; delivery: Delivery } | undefined;

/**
 * The same as sinksFromEnv, kept across the invocations of a warm Functions instance: SDK clients
 * are made once per process, as their authors intend, and rebuilt only when a setting changes.
 */
export function warmSinksFromEnv(env: NodeJS.ProcessEnv = process.env): Delivery {
  const key = JSON.stringify([FLUSH_TIMEOUT_SETTING, ...FACTORIES.flatMap((f) => f.settings)].map((name) => env[name] ?? null));
  if (warm?.key !== key) warm = { key, delivery: sinksFromEnv(env) };
  return warm.delivery;
}
