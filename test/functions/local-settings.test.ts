/**
 * local.settings.example.json names every app setting the code reads (found by scanning the
 * sources), holds only strings, as the Functions host requires, and its config is valid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCHEDULE, timerSchedule } from '../../functions/check-timer';
import { parseConfigText } from '../../shared/config/load';
import { ROOT, settingsReadByCode as readSettings } from '../infra/settings-read-by-code';

const example = JSON.parse(readFileSync(join(ROOT, 'local.settings.example.json'), 'utf8')) as { IsEncrypted: boolean; Values: Record<string, unknown> };
// The identity-based `AzureWebJobsStorage__*` settings are Azure's; locally the connection string serves.
const settingsReadByCode = () => new Set([...readSettings().keys()].filter((name) => !name.includes('__')));

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
