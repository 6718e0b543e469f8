/**
 * Maintenance windows in the config (issue 20): good windows pass and reach the plan, bad ones are
 * refused with the field's JSON path and what is wrong; and when a window is in force.
 */
import { configJsonSchema } from '../../shared/config/json-schema';
import { parseConfig } from '../../shared/config/load';
import { activeMaintenance, nextMaintenance } from '../../shared/run/maintenance';
import { planRun } from '../../shared/run/plan';
import { problems } from './config-problems';

const TENANT = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';

const config = (mailboxWindows?: unknown, appWindows?: unknown) => ({
  keyVaultUrl: 'https://contoso-kv.vault.azure.net',
  apps: [{ id: 'logicaldoc', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultSecret: 's' }, ...(appWindows ? { maintenance: appWindows } : {}) }],
  mailboxes: [
    { id: 'invoices', address: 'invoices@contoso.com', app: 'logicaldoc', ...(mailboxWindows ? { maintenance: mailboxWindows } : {}) },
    { id: 'hr', address: 'hr@contoso.com', app: 'logicaldoc' },
  ],
});

const MB = '$.mailboxes[0].maintenance';

describe('maintenance windows in the config', () => {
  it('accepts one-off and daily windows per mailbox and per app; the plan gives each mailbox its own and its app\'s', () => {
    const parsed = parseConfig(
      config([{ start: '2026-12-05T16:00:00Z', end: '2026-12-05T18:30:00.000Z', reason: 'Exchange migration CHG-1234' }], [{ daily: '22:00-02:00', days: ['sat', 'sun'], reason: 'weekend backup' }]),
      'test.json',
    );
    const plan = planRun(parsed);
    expect(plan.mailboxes.map((m) => [m.id, m.maintenance.map((w) => w.reason)])).toEqual([
      ['invoices', ['weekend backup', 'Exchange migration CHG-1234']],
      ['hr', ['weekend backup']],
    ]);
    // Without windows: an empty list, and the config as before.
    expect(planRun(parseConfig(config(), 't')).mailboxes.every((m) => m.maintenance.length === 0)).toBe(true);
  });

  it('failing twin: an end not after its start is refused at the end field', () => {
    expect(problems(config([{ start: '2026-12-05T18:00:00Z', end: '2026-12-05T18:00:00Z', reason: 'x' }]))).toEqual({ [`${MB}[0].end`]: 'must be after start' });
    expect(problems(config([{ start: '2026-12-05T18:00:00Z', end: '2026-12-05T16:00:00Z', reason: 'x' }]))).toEqual({ [`${MB}[0].end`]: 'must be after start' });
  });

  it('failing twin: instants that are not UTC ISO instants, or not real dates', () => {
    const p = problems(config([{ start: '2026-12-05 16:00', end: '2026-12-05T18:00:00+01:00', reason: 'x' }, { start: '2026-02-30T10:00:00Z', end: '2026-03-01T10:00:00Z', reason: 'x' }]));
    expect(Object.keys(p).sort()).toEqual([`${MB}[0].end`, `${MB}[0].start`, `${MB}[1].start`]);
    for (const message of Object.values(p)) expect(message).toMatch(/^must be an ISO 8601 instant in UTC like 2026-12-05T18:00:00Z/);
  });

  it('failing twin: daily ranges that are not HH:MM-HH:MM, or empty, and days that are not weekdays', () => {
    expect(problems(config([{ daily: '25:00-26:00', reason: 'x' }]))).toEqual({ [`${MB}[0].daily`]: expect.stringMatching(/^must be a UTC time range "HH:MM-HH:MM" like "22:00-23:30"/) });
    expect(problems(config([{ daily: '9:00-10:00', reason: 'x' }]))).toEqual({ [`${MB}[0].daily`]: expect.stringMatching(/^must be a UTC time range/) });
    expect(problems(config([{ daily: '10:00-10:00', reason: 'x' }]))).toEqual({ [`${MB}[0].daily`]: expect.stringMatching(/^must not start and end at the same time/) });
    expect(problems(config([{ daily: '10:00-11:00', days: ['monday'], reason: 'x' }]))).toEqual({ [`${MB}[0].days[0]`]: expect.stringMatching(/^must be one of "sun", "mon"/) });
    expect(problems(config([{ daily: '10:00-11:00', days: ['mon', 'mon'], reason: 'x' }]))).toEqual({ [`${MB}[0].days`]: 'must not name a day twice' });
    expect(problems(config([{ daily: '10:00-11:00', days: [], reason: 'x' }]))).toEqual({ [`${MB}[0].days`]: 'must name at least one day, or be left out for every day' });
  });

  it('failing twin: a reason that is missing, blank, too long or holds control characters', () => {
    expect(problems(config([{ daily: '10:00-11:00' }]))).toEqual({ [`${MB}[0].reason`]: 'is required (a string)' });
    expect(problems(config([{ daily: '10:00-11:00', reason: '  ' }]))).toEqual({ [`${MB}[0].reason`]: expect.stringMatching(/^must not be empty/) });
    expect(problems(config([{ daily: '10:00-11:00', reason: 'x'.repeat(201) }]))).toEqual({ [`${MB}[0].reason`]: 'must be at most 200 characters long' });
    expect(problems(config(undefined, [{ daily: '10:00-11:00', reason: 'backup\u202Etxt.exe' }]))).toEqual({
      '$.apps[0].maintenance[0].reason': expect.stringMatching(/^must not contain control or direction-changing characters .* in a maintenance reason: found U\+202E at character 7$/),
    });
  });

  it('failing twin: a window of neither shape, an unknown field, both shapes at once', () => {
    expect(problems(config([{ reason: 'x' }]))).toEqual({ [`${MB}[0]`]: expect.stringMatching(/^must be a one-off window \{"start": .* or a daily one \{"daily": /) });
    expect(problems(config([{ daily: '10:00-11:00', reason: 'x', until: 'later' }]))).toEqual({ [`${MB}[0].until`]: 'is not a known field (check its spelling)' });
    expect(Object.keys(problems(config([{ start: '2026-12-05T16:00:00Z', end: '2026-12-05T18:00:00Z', daily: '10:00-11:00', reason: 'x' }])))).toEqual([`${MB}[0]`]);
    expect(problems(config({ daily: '10:00-11:00', reason: 'x' }))).toEqual({ [MB]: 'must be an array, not an object' });
  });

  it('is in the published JSON Schema for editors', () => {
    const text = JSON.stringify(configJsonSchema());
    expect(text).toContain('"daily"');
    expect(text).toContain('Maintenance windows');
  });
});

describe('when a window is in force', () => {
  const at = (iso: string) => new Date(iso);
  const oneOff = [{ start: '2026-12-05T16:00:00Z', end: '2026-12-05T18:00:00Z', reason: 'migration' }];

  it('a one-off window: from its start (included) to its end (excluded)', () => {
    expect(activeMaintenance(oneOff, at('2026-12-05T16:00:00Z'))).toEqual({ reason: 'migration', endsAt: '2026-12-05T18:00:00.000Z' });
    expect(activeMaintenance(oneOff, at('2026-12-05T17:59:59Z'))).toEqual({ reason: 'migration', endsAt: '2026-12-05T18:00:00.000Z' });
    expect(activeMaintenance(oneOff, at('2026-12-05T18:00:00Z'))).toBeUndefined();
    expect(activeMaintenance(oneOff, at('2026-12-05T15:59:59Z'))).toBeUndefined();
    expect(activeMaintenance([], at('2026-12-05T17:00:00Z'))).toBeUndefined();
  });

  it('a daily range past midnight belongs to the day it begins on', () => {
    // 2026-12-04 is a Friday.
    const friday = [{ daily: '22:00-02:00', days: ['fri' as const], reason: 'backup' }];
    expect(activeMaintenance(friday, at('2026-12-04T23:00:00Z'))).toEqual({ reason: 'backup', endsAt: '2026-12-05T02:00:00.000Z' });
    expect(activeMaintenance(friday, at('2026-12-05T01:59:00Z'))).toEqual({ reason: 'backup', endsAt: '2026-12-05T02:00:00.000Z' });
    expect(activeMaintenance(friday, at('2026-12-05T02:00:00Z'))).toBeUndefined();
    // Saturday 23:00 is not Friday's window.
    expect(activeMaintenance(friday, at('2026-12-05T23:00:00Z'))).toBeUndefined();
    const everyDay = [{ daily: '03:00-04:30', reason: 'patching' }];
    expect(activeMaintenance(everyDay, at('2026-12-09T03:10:00Z'))).toEqual({ reason: 'patching', endsAt: '2026-12-09T04:30:00.000Z' });
    expect(activeMaintenance(everyDay, at('2026-12-09T04:30:00Z'))).toBeUndefined();
    expect(activeMaintenance([{ daily: '23:00-24:00', reason: 'late' }], at('2026-12-09T23:30:00Z'))).toEqual({ reason: 'late', endsAt: '2026-12-10T00:00:00.000Z' });
  });

  it('overlapping windows: the one that ends last', () => {
    expect(activeMaintenance([...oneOff, { daily: '17:00-19:00', reason: 'daily' }], at('2026-12-05T17:30:00Z'))).toEqual({ reason: 'daily', endsAt: '2026-12-05T19:00:00.000Z' });
  });
});

describe('the next window, announced on the status page', () => {
  it('the earliest window to begin within a day; none further away, none already begun', () => {
    const windows = [
      { start: '2026-12-05T16:00:00Z', end: '2026-12-05T18:00:00Z', reason: 'migration' },
      { daily: '22:00-02:00', days: ['fri' as const], reason: 'backup' },
    ];
    // Friday 2026-12-04 10:00: tonight's backup comes first.
    expect(nextMaintenance(windows, new Date('2026-12-04T10:00:00Z'))).toEqual({ reason: 'backup', startsAt: '2026-12-04T22:00:00.000Z', endsAt: '2026-12-05T02:00:00.000Z' });
    // Saturday 03:00: the migration at 16:00.
    expect(nextMaintenance(windows, new Date('2026-12-05T03:00:00Z'))).toEqual({ reason: 'migration', startsAt: '2026-12-05T16:00:00.000Z', endsAt: '2026-12-05T18:00:00.000Z' });
    // Failing twins: the migration already begun is not "next"; next week's backup is beyond a day.
    expect(nextMaintenance(windows, new Date('2026-12-05T17:00:00Z'))).toBeUndefined();
    expect(nextMaintenance(windows, new Date('2026-12-04T10:00:00Z'), 3600_000)).toBeUndefined();
  });
});
