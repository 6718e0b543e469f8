/**
 * The app settings the code reads (a scan of the sources, so settings other engineers add are
 * found) and the ones infra/app/function-app.bicep sets are the same set, both ways, apart from
 * two short lists that say why. Renaming a setting on one side only fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectKeysOfVariable, parseBicep } from './bicep-parse';
import { ROOT, settingsReadByCode, sourceTexts } from './settings-read-by-code';

const TEMPLATE = join(ROOT, 'infra', 'app', 'function-app.bicep');

/** Read by the code, deliberately not set in Azure. */
const NOT_SET_IN_AZURE: Record<string, string> = {
  AzureWebJobsStorage: 'a connection string with a key: local runs and Azurite only; Azure uses the identity settings',
  AzureWebJobsStorage__queueServiceUri: 'alternative to __accountName for private endpoints or sovereign clouds',
  AzureWebJobsStorage__tableServiceUri: 'alternative to __accountName for private endpoints or sovereign clouds',
};

/** Set in Azure, read by the Functions host or an SDK rather than by the project's code. */
const READ_BY_HOST_OR_SDK: Record<string, string> = {
  AZURE_CLIENT_ID: '@azure/identity selects the user-assigned identity by it (Key Vault, Graph)',
};

function compareSettings(code: Set<string>, template: Set<string>): string[] {
  const problems: string[] = [];
  for (const name of code) {
    if (!template.has(name) && !(name in NOT_SET_IN_AZURE)) problems.push(`${name}: read by the code, not set by ${'infra/app/function-app.bicep'} (add it to var appSettings)`);
  }
  for (const name of template) {
    if (!code.has(name) && !(name in READ_BY_HOST_OR_SDK)) problems.push(`${name}: set by the template, read by no code (renamed or removed there?)`);
  }
  return problems;
}

async function templateSettings(text = readFileSync(TEMPLATE, 'utf8')): Promise<Set<string>> {
  return new Set(objectKeysOfVariable(await parseBicep(text), 'appSettings'));
}

describe('app settings: code and template agree', () => {
  it('the scan finds the settings it must (it would pass vacuously if it found none)', () => {
    const code = settingsReadByCode();
    expect([...code.keys()]).toEqual(expect.arrayContaining(['MAILBOX_HEALTH_CONFIG', 'CHECK_SCHEDULE', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'AzureWebJobsStorage__accountName', 'AzureWebJobsStorage__clientId', 'AzureWebJobsStorage__credential']));
  });

  it('every setting the code reads is set by the template, and every setting the template sets is read', async () => {
    expect(compareSettings(new Set(settingsReadByCode().keys()), await templateSettings())).toEqual([]);
  });

  it('the exception lists do not rot: each entry is still read (or still not read) by the code', async () => {
    const code = settingsReadByCode();
    const template = await templateSettings();
    for (const name of Object.keys(NOT_SET_IN_AZURE)) expect([name, code.has(name), template.has(name)]).toEqual([name, true, false]);
    for (const name of Object.keys(READ_BY_HOST_OR_SDK)) expect([name, code.has(name), template.has(name)]).toEqual([name, false, true]);
  });

  it('failing twin: a setting renamed in the code only is caught, both ways', async () => {
    const texts = sourceTexts();
    const file = [...texts.keys()].find((f) => texts.get(f)!.includes("'HISTORY_DAYS'") || texts.get(f)!.includes('env.HISTORY_DAYS'))!;
    texts.set(file, texts.get(file)!.replaceAll('HISTORY_DAYS', 'HISTORY_RETENTION_DAYS'));
    expect(compareSettings(new Set(settingsReadByCode(texts).keys()), await templateSettings())).toEqual([
      'HISTORY_RETENTION_DAYS: read by the code, not set by infra/app/function-app.bicep (add it to var appSettings)',
      'HISTORY_DAYS: set by the template, read by no code (renamed or removed there?)',
    ]);
  });

  it('failing twin: a setting renamed in the template only is caught, both ways', async () => {
    const renamed = readFileSync(TEMPLATE, 'utf8').replace('  CHECK_SCHEDULE: checkSchedule', '  TIMER_SCHEDULE: checkSchedule');
    expect(compareSettings(new Set(settingsReadByCode().keys()), await templateSettings(renamed))).toEqual([
      'CHECK_SCHEDULE: read by the code, not set by infra/app/function-app.bicep (add it to var appSettings)',
      'TIMER_SCHEDULE: set by the template, read by no code (renamed or removed there?)',
    ]);
  });
});
