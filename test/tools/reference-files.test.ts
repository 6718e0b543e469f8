/** The pinned signatures say where they came from, so they can be re-extracted and compared (tools/azure/reference/extract-*.js). */
import { azReference } from './az-reference';
import { cmdletReference } from './cmdlet-stubs';

describe('pinned references', () => {
  it('every cmdlet names its repository, path and commit; every az command its reference file, under one pinned commit', () => {
    for (const [name, cmdlet] of Object.entries(cmdletReference())) {
      expect({ name, repo: cmdlet.repo, path: cmdlet.path.endsWith(`/${name}.md`), commit: /^[0-9a-f]{40}$/.test(cmdlet.commit) }).toEqual({ name, repo: expect.stringMatching(/^MicrosoftDocs\//), path: true, commit: true });
      expect(cmdlet.parameterSets).toContain(cmdlet.defaultParameterSet);
    }
    const az = azReference();
    expect(az.source.repo).toBe('MicrosoftDocs/azure-docs-cli');
    expect(az.source.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const command of Object.values(az.commands)) expect(command.path).toMatch(/^docs-ref-autogen\/Latest-version\/latest\/.+\.yml$/);
  });

  it('the formats the CLI source enforces are pinned with their source line: keyvault datetimes and --years', () => {
    const az = azReference();
    const param = (command: string, name: string) => az.commands[command].parameters.find((p) => p.names.includes(name))!;
    expect(param('keyvault secret set', '--expires').format).toMatchObject({ format: 'az-keyvault-datetime', source: { repo: 'Azure/azure-cli', path: 'src/azure-cli/azure/cli/command_modules/keyvault/_validators.py' } });
    expect(param('keyvault secret set-attributes', '--expires').format).toMatchObject({ format: 'az-keyvault-datetime' });
    expect(param('ad app credential reset', '--years').format).toMatchObject({ format: 'integer' });
  });
});
