/**
 * The harness itself: each kind of mistake it exists to catch, next to the correct command.
 * POSIX checks need only bash; PowerShell checks need pwsh-check (tools/azure/install.sh).
 */
import { checkPrintedCommands, runPrintedCommands } from './check-commands';
import { FAKE_GUID } from './cmdlet-stubs';
import { runPwshCheck } from './pwsh-check';
import { PWSH_CHECK, describeWithValidator } from './validators';

const posix = (text: string) => ({ shell: 'posix' as const, text });
const pwsh = (text: string) => ({ shell: 'powershell' as const, text });
const kinds = async (...commands: { shell: 'posix' | 'powershell'; text: string }[]) => (await checkPrintedCommands(commands)).map((p) => p.kind);

describe('check-commands: bash', () => {
  it('records the argv bash really passes, and a chained lookup gets its sample output', async () => {
    const [run] = await runPrintedCommands([posix(`az keyvault secret set --vault-name kv --name 'o'\\''brien' --value "$(az ad sp show --id x --query id -o tsv)" --output none`)]);
    expect(run.problems).toEqual([]);
    expect(run.nativeCalls).toEqual([
      ['az', 'ad', 'sp', 'show', '--id', 'x', '--query', 'id', '-o', 'tsv'],
      ['az', 'keyvault', 'secret', 'set', '--vault-name', 'kv', '--name', "o'brien", '--value', FAKE_GUID, '--output', 'none'],
    ]);
  });
  it('failing twins: an invented az parameter, --expires with milliseconds, an external program not on PATH, a bash syntax error', async () => {
    expect(await kinds(posix('az ad sp show --id x --verbose-ish'))).toEqual(['az']);
    expect(await kinds(posix('az keyvault secret set-attributes --vault-name kv --name s --expires 2027-05-29T00:00:00.000Z'))).toEqual(['az']);
    expect(await kinds(posix('curl -sS https://login.microsoftonline.com/x'))).toEqual(['shell']);
    expect(await kinds(posix("az ad sp show --id 'x"))).toEqual(['shell']);
  });
  it('a placeholder is replaced by a sample before running; a nested one is a problem', async () => {
    expect(await kinds(posix('az ad sp show --id <the app id>'))).toEqual([]);
    expect(await kinds(posix('az role assignment create --role r --scope s --assignee <principal id: az functionapp identity show -n <function app> --query principalId -o tsv>'))).toEqual(['placeholder']);
  });
});

describeWithValidator(PWSH_CHECK, 'check-commands: PowerShell (real parser, reference stubs)', () => {
  it('binds a correct Exchange command and records its parameters; the az it calls is recorded as PowerShell passes it', async () => {
    const runs = await runPrintedCommands([pwsh("Get-MailboxPermission -Identity 'o''brien@contoso.com' -User $sp"), pwsh("$id = az ad sp show --id 'x' --query id --output tsv; Set-CASMailbox -Identity 'd\u2019\u2019arcy@contoso.com' -ImapEnabled $true")]);
    expect(runs.flatMap((r) => r.problems)).toEqual([]);
    expect(runs[0].cmdletCalls).toEqual([{ name: 'Get-MailboxPermission', parameterSet: 'AccessRights', bound: { Identity: "o'brien@contoso.com", User: '' } }]);
    expect(runs[1].nativeCalls).toEqual([['az', 'ad', 'sp', 'show', '--id', 'x', '--query', 'id', '--output', 'tsv']]);
    expect(runs[1].cmdletCalls[0].bound).toEqual({ Identity: 'd\u2019arcy@contoso.com', ImapEnabled: true });
  }, 120_000);
  it('failing twins: misspelled parameter, two parameter sets, a value outside the documented ones, an undoubled typographic apostrophe, an unknown command, an invented az parameter', async () => {
    const problems = await checkPrintedCommands([
      pwsh("Get-CASMailbox -Identiy 'a@contoso.com'"),
      pwsh("Get-MailboxPermission -Identity 'a@contoso.com' -Owner -User x"),
      pwsh("Add-MailboxPermission -Identity 'a@contoso.com' -User x -AccessRights FullAcess"),
      pwsh("Set-CASMailbox -Identity 'd\u2019arcy@contoso.com' -ImapEnabled $true"),
      pwsh('curl https://example.com'),
      pwsh('az ad sp show --id x --invented'),
    ]);
    expect(problems.map((p) => [p.command.text.slice(0, 14), p.kind, p.message.split(':')[0].split(',')[0]])).toEqual([
      ['Get-CASMailbox', 'binding', 'NamedParameterNotFound'],
      ['Get-MailboxPer', 'binding', 'AmbiguousParameterSet'],
      ['Add-MailboxPer', 'binding', 'ParameterArgumentValidationError'],
      ['Set-CASMailbox', 'parse', 'TerminatorExpectedAtEndOfString at 1'],
      ['curl https://e', 'runtime', 'CommandNotFoundException at 1'],
      ['az ad sp show ', 'az', 'az ad sp show'],
    ]);
  }, 120_000);

  it('nothing real can run in the runspace: an absolute path to a program, a module, a web cmdlet all fail', async () => {
    const problems = await checkPrintedCommands([pwsh("& /bin/sh -c 'echo reached'"), pwsh('Import-Module Microsoft.PowerShell.Utility'), pwsh('Invoke-WebRequest https://example.com'), pwsh('Get-Date')]);
    expect(problems.map((p) => [p.kind, p.message.split(' ')[0]])).toEqual([
      ['runtime', 'CommandNotFoundException'],
      ['runtime', 'CommandNotFoundException'],
      ['runtime', 'CommandNotFoundException'],
      ['runtime', 'CommandNotFoundException'],
    ]);
  }, 120_000);

  it('a command that never ends is stopped by the tool (timedOut), and a tool that never answers is killed by the test side', async () => {
    const output = await runPwshCheck('', [{ id: 's', commands: [{ id: 'loop', text: 'while ($true) { }' }, { id: 'after', text: '$x = 1' }] }], { commandTimeoutMs: 500 });
    expect(output.sessions[0].commands.map((c) => [c.id, c.timedOut])).toEqual([['loop', true], ['after', false]]);
    await expect(runPwshCheck('', [{ id: 's', commands: [{ id: 'loop', text: 'while ($true) { }' }] }], { commandTimeoutMs: 60_000, timeoutMs: 1_500 })).rejects.toThrow(/did not finish within 1500 ms/);
  }, 120_000);
});
