/**
 * local.settings.example.json names every app setting the code reads (found by scanning the
 * sources), holds only strings, as the Functions host requires, and its config is valid.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCHEDULE, timerSchedule } from '../../functions/check-timer';
import { parseConfigText } from '../../shared/config/load';

const root = join(__dirname, '..', '..');
const example = JSON.parse(readFileSync(join(root, 'local.settings.example.json'), 'utf8')) as { IsEncrypted: boolean; Values: Record<string, unknown> };

/** Environment variables the code reads that are not app settings of this project. */
const NOT_APP_SETTINGS = new Set([
  'NO_COLOR', 'TERM', // terminal conventions (CLI)
  'REGION_NAME', // set by Azure Functions itself
  'APPLICATION_INSIGHTS_NO_STATSBEAT', // the SDK's switch, set by the reporter
  'AZURE_CLIENT_SECRET', 'MSI_SECRET', 'IDENTITY_HEADER', // identity variables named in the simulator/credential code
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function settingsReadByCode(): Set<string> {
  const found = new Set<string>();
  for (const file of ['shared', 'functions'].flatMap((d) => sources(join(root, d)))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]{3,})|\(env, '([A-Z][A-Z0-9_]{3,})'|_SETTING = '([A-Z][A-Z0-9_]{3,})'/g)) {
      found.add(match[1] ?? match[2] ?? match[3]!);
    }
  }
  for (const name of NOT_APP_SETTINGS) found.delete(name);
  return found;
}

describe('local.settings.example.json', () => {
  it('holds string values only, for every app setting the code reads', () => {
    expect(example.IsEncrypted).toBe(false);
    for (const [name, value] of Object.entries(example.Values)) expect([name, typeof value]).toEqual([name, 'string']);
    const read = settingsReadByCode();
    // The scan sees the settings it must (it would pass vacuously if it found none).
    expect([...read]).toEqual(expect.arrayContaining(['MAILBOX_HEALTH_CONFIG', 'CHECK_SCHEDULE', 'HTTP_MIN_INTERVAL_SECONDS', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'TELEMETRY_FLUSH_TIMEOUT_SECONDS', 'TELEMETRY_OFFLINE_STORAGE']));
    const missing = [...read].filter((name) => !(name in example.Values));
    expect(missing).toEqual([]);
    expect(example.Values).toHaveProperty('APPLICATIONINSIGHTS_CONNECTION_STRING');
  });

  it('its MAILBOX_HEALTH_CONFIG is a valid configuration and its schedule the default', () => {
    expect(parseConfigText(example.Values.MAILBOX_HEALTH_CONFIG as string, 'MAILBOX_HEALTH_CONFIG').mailboxes).toHaveLength(1);
    expect(example.Values.CHECK_SCHEDULE).toBe(DEFAULT_SCHEDULE);
  });
});

describe('the timer schedule', () => {
  it('is CHECK_SCHEDULE when set, every 5 minutes when missing or empty', () => {
    expect(timerSchedule({ CHECK_SCHEDULE: '0 0 * * * *' })).toBe('0 0 * * * *');
    expect(timerSchedule({})).toBe('0 */5 * * * *');
    expect(timerSchedule({ CHECK_SCHEDULE: ' ' })).toBe(DEFAULT_SCHEDULE);
  });
});
