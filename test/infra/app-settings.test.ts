/**
 * The app settings the code reads (a scan of the sources, so settings other engineers add are
 * found) and the ones the deployment sets are the same set, both ways, apart from two short lists
 * that say why. Renaming a setting on one side only fails here. The deployment's side is the
 * Function App's appsettings resource as the real Bicep CLI predicts it (`bicep snapshot`), so a
 * setting added by union(), a condition or another variable counts as it would in Azure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BICEP, describeWithValidator } from '../tools/validators';
import { BICEP_TEST_TIMEOUT_MS, snapshot } from './bicep-cli';
import { settingsReadByCode, sourceTexts } from './settings-read-by-code';

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

/** The setting names of the Function App's appsettings resource in the predicted deployment. */
async function templateSettings(edit?: (infra: string) => void): Promise<Set<string>> {
  const { resources } = await snapshot({}, edit);
  const config = resources.filter((r) => r.type === 'Microsoft.Web/sites/config' && r.name.endsWith('/appsettings'));
  if (config.length !== 1) throw new Error(`${config.length} appsettings resources predicted`);
  return new Set(Object.keys(config[0].properties ?? {}));
}

describe('app settings read by the code (a scan of the sources)', () => {
  it('the scan finds the settings it must (it would pass vacuously if it found none)', () => {
    const code = settingsReadByCode();
    expect([...code.keys()]).toEqual(expect.arrayContaining(['MAILBOX_HEALTH_CONFIG', 'CHECK_SCHEDULE', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'AzureWebJobsStorage__accountName', 'AzureWebJobsStorage__clientId', 'AzureWebJobsStorage__credential']));
  });
});

describeWithValidator(BICEP, 'app settings: code and template agree (bicep snapshot)', () => {
  let template: Set<string>;
  beforeAll(async () => {
    template = await templateSettings();
  }, BICEP_TEST_TIMEOUT_MS);

  it('every setting the code reads is set by the template, and every setting the template sets is read', () => {
    expect(compareSettings(new Set(settingsReadByCode().keys()), template)).toEqual([]);
  });

  it('the exception lists do not rot: each entry is still read (or still not read) by the code', () => {
    const code = settingsReadByCode();
    for (const name of Object.keys(NOT_SET_IN_AZURE)) expect([name, code.has(name), template.has(name)]).toEqual([name, true, false]);
    for (const name of Object.keys(READ_BY_HOST_OR_SDK)) expect([name, code.has(name), template.has(name)]).toEqual([name, false, true]);
  });

  it('failing twin: a setting renamed in the code only is caught, both ways', () => {
    const texts = sourceTexts();
    const file = [...texts.keys()].find((f) => texts.get(f)!.includes("'HISTORY_DAYS'") || texts.get(f)!.includes('env.HISTORY_DAYS'))!;
    texts.set(file, texts.get(file)!.replaceAll('HISTORY_DAYS', 'HISTORY_RETENTION_DAYS'));
    expect(compareSettings(new Set(settingsReadByCode(texts).keys()), template)).toEqual([
      'HISTORY_RETENTION_DAYS: read by the code, not set by infra/app/function-app.bicep (add it to var appSettings)',
      'HISTORY_DAYS: set by the template, read by no code (renamed or removed there?)',
    ]);
  });

  it('failing twin: a setting renamed in the template only is caught, both ways', async () => {
    const rename = (infra: string) => {
      const file = join(infra, 'app', 'function-app.bicep');
      const text = readFileSync(file, 'utf8');
      if (!text.includes('  CHECK_SCHEDULE: checkSchedule')) throw new Error('function-app.bicep no longer sets CHECK_SCHEDULE that way: update the twin');
      writeFileSync(file, text.replace('  CHECK_SCHEDULE: checkSchedule', '  TIMER_SCHEDULE: checkSchedule'));
    };
    expect(compareSettings(new Set(settingsReadByCode().keys()), await templateSettings(rename))).toEqual([
      'CHECK_SCHEDULE: read by the code, not set by infra/app/function-app.bicep (add it to var appSettings)',
      'TIMER_SCHEDULE: set by the template, read by no code (renamed or removed there?)',
    ]);
  }, BICEP_TEST_TIMEOUT_MS);
});
