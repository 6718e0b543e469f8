/**
 * Every command `setup --json` prints, for a config with several apps in two tenants, Key Vault and
 * environment-variable secrets and e-mail channels, in each cloud and for both shells, runs as an
 * admin would paste it: POSIX in the real bash (az recorded, checked against the Azure CLI
 * reference), PowerShell through the real parser and a runspace of stubs generated from the cmdlet
 * reference. Failing twins: the mistakes this must catch, made in the guide's own commands.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../shared/config/load';
import { setupGuide, type SetupGuide } from '../../shared/setup/setup-guide';
import { checkPrintedCommands, type Problem } from '../tools/check-commands';
import { describeWithValidator, PWSH_CHECK } from '../tools/validators';
import { CLOUDS, richConfig } from './example-config';
import { printedCommands, SETUP_ALLOWED_PROGRAMS } from './guide-commands';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'setup-commands-'));
});

function guideFor(cloud: keyof typeof CLOUDS): SetupGuide {
  const config = richConfig(cloud);
  const configFile = join(dir, `o'brien ${cloud}.json`);
  writeFileSync(configFile, JSON.stringify(config));
  return setupGuide(parseConfig(config, 'test'), { now: new Date('2026-11-30T15:00:00Z'), secretDays: 180, configFile });
}

const check = (guide: SetupGuide | SetupGuide['steps'], shell: 'posix' | 'powershell') =>
  checkPrintedCommands(printedCommands(guide, shell), { sequence: true, allow: SETUP_ALLOWED_PROGRAMS, cwd: dir });
const describeProblems = (problems: Problem[]) => problems.map((p) => `${p.kind}: ${p.message}\n    in: ${p.command.text.split('\n')[0].slice(0, 160)}`);

describeWithValidator(PWSH_CHECK, 'setup --json: every command parses and binds (real bash, real PowerShell parser, reference stubs, az reference)', () => {
  for (const cloud of Object.keys(CLOUDS) as (keyof typeof CLOUDS)[]) {
    for (const shell of ['posix', 'powershell'] as const) {
      it(`${cloud}, --shell ${shell}`, async () => {
        expect(describeProblems(await check(guideFor(cloud), shell))).toEqual([]);
      }, 120_000);
    }
  }
});
