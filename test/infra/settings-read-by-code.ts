/**
 * The app settings the code reads, found by scanning the sources (so a setting another engineer
 * adds is found without anyone listing it): `env.NAME`, `env['NAME']`, `(env, 'NAME')`,
 * `X_SETTING = 'NAME'`, binding expressions `'%NAME%'`, and the identity-based connection
 * settings `${connection}__suffix` expanded with the connection's name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** Environment variables the code reads that are not app settings of this project. */
export const NOT_APP_SETTINGS = new Set([
  'NO_COLOR', 'TERM', // terminal conventions (CLI)
  'REGION_NAME', 'WEBSITE_SITE_NAME', 'WEBSITE_INSTANCE_ID', // set by Azure Functions / App Service itself
  'APPLICATION_INSIGHTS_NO_STATSBEAT', // the SDK's switch, set by the reporter
  'AZURE_MONITOR_DISTRO_VERSION', // the SDK's version stamp, set by the lean reporter as the SDK's main.js would
  'AZURE_CLIENT_SECRET', 'MSI_SECRET', 'IDENTITY_HEADER', // identity variables named in the simulator/credential code
  // The Azure credential's own variable, read by remedies to name the monitor's identity; Bicep sets
  // it to the user-assigned identity, and locally it stays unset (az login).
  'AZURE_CLIENT_ID',
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Setting name → the files that read it. */
export function settingsReadByCode(texts: Map<string, string> = sourceTexts()): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (name: string, file: string) => found.set(name, [...(found.get(name) ?? []), file]);
  const all = [...texts.values()].join('\n');
  const connections = [...all.matchAll(/_CONNECTION = '([A-Za-z][A-Za-z0-9_]+)'/g)].map((m) => m[1]);
  for (const [file, text] of texts) {
    const patterns = /\benv(?:\.|\[['"])([A-Z][A-Za-z0-9_]{3,})|\(env, '([A-Z][A-Z0-9_]{3,})'|_SETTING = '([A-Z][A-Z0-9_]{3,})'|'%([A-Za-z][A-Za-z0-9_]+)%'/g;
    for (const match of text.matchAll(patterns)) add(match[1] ?? match[2] ?? match[3] ?? match[4]!, file);
    for (const match of text.matchAll(/`\$\{connection\}(__[A-Za-z]+)`/g)) for (const connection of connections) add(connection + match[1], file);
    if (/\benv\[connection\]/.test(text)) for (const connection of connections) add(connection, file);
  }
  for (const name of NOT_APP_SETTINGS) found.delete(name);
  return found;
}

export function sourceTexts(): Map<string, string> {
  return new Map(['shared', 'functions'].flatMap((d) => sources(join(ROOT, d))).map((file) => [file.slice(ROOT.length + 1), readFileSync(file, 'utf8')]));
}
