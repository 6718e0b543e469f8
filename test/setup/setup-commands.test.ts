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

/** The guide with one command's text changed: the failing twins below make each mistake in the guide's own output. */
function mutate(guide: SetupGuide, shell: 'posix' | 'powershell', change: (text: string) => string): SetupGuide {
  let changed = 0;
  const steps = guide.steps.map((s) => ({
    ...s,
    commands: s.commands.map((c) => {
      const key = shell === 'posix' && c.posix !== undefined ? 'posix' : 'powershell';
      const text = change(c[key]!);
      if (text !== c[key]) changed++;
      return { ...c, [key]: text };
    }),
  }));
  if (changed === 0) throw new Error('the mutation changed nothing: the twin would prove nothing');
  return { ...guide, steps };
}

describeWithValidator(PWSH_CHECK, 'setup --json: failing twins (each mistake made in the guide itself is caught)', () => {
  it('a misspelled cmdlet parameter: NamedParameterNotFound from PowerShell\'s binder', async () => {
    const problems = await check(mutate(guideFor('public'), 'powershell', (t) => t.replace('-ImapEnabled $true', '-ImapEnabeld $true')), 'powershell');
    expect(new Set(problems.map((p) => `${p.kind} ${p.message.split(',')[0]}`))).toEqual(new Set(['binding NamedParameterNotFound']));
  }, 120_000);

  for (const shell of ['posix', 'powershell'] as const) {
    it(`${shell}: an invented az parameter (--end-time for --end-date) is not in the CLI reference`, async () => {
      const problems = await check(mutate(guideFor('public'), shell, (t) => t.replace('--end-date', '--end-time')), shell);
      expect(problems.length).toBeGreaterThan(0);
      expect(new Set(problems.map((p) => p.kind))).toEqual(new Set(['az']));
      expect(problems[0].message).toMatch(/no parameter --end-time/);
    }, 120_000);

    it(`${shell}: --expires with milliseconds (Date.toISOString() unshortened) is rejected as Key Vault's datetime_type does`, async () => {
      const problems = await check(mutate(guideFor('public'), shell, (t) => t.replace(/--expires '?2027-05-29T00:00:00Z'?/g, "--expires '2027-05-29T00:00:00.000Z'")), shell);
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p.message).toMatch(/--expires "2027-05-29T00:00:00\.000Z": Key Vault takes YYYY-MM-DDTHH:MM:SSZ/);
    }, 120_000);
  }

  it('a typographic apostrophe not doubled: PowerShell ends the string at ’ (TerminatorExpectedAtEndOfString)', async () => {
    const problems = await check(mutate(guideFor('public'), 'powershell', (t) => t.replace(/\u2019\u2019/g, '\u2019')), 'powershell');
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => `${p.kind} ${p.message.split(' ')[0]}`))).toEqual(new Set(['parse TerminatorExpectedAtEndOfString']));
  }, 120_000);
});
