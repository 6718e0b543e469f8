/**
 * Issue 19: every command's `--help` ends with the docs section that explains it, and every page
 * and heading the CLI names exists (GitHub's anchors, as the docs link check reads them).
 */
import type { Command } from 'commander';
import { buildProgram } from '../../cli/main';
import { HELP_LINKS, REPORT_CONTRACT_LINK } from '../../cli/help-links';
import { brokenReference } from '../docs/markdown-links';

/** The help a command prints, captured instead of written. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('#19 --help points to the docs', () => {
  const program = buildProgram(() => undefined);
  const commands = [program, ...program.commands];

  it('#19 every command, and the bare command, ends its help with a Details line naming its own section', () => {
    expect(commands.map((c) => c.name())).toEqual(expect.arrayContaining(['mailbox-health', 'check', 'expiry', 'validate', 'demo', 'setup', 'schema']));
    for (const command of commands) {
      const details = /\nDetails: (\S+)\n*$/.exec(helpOf(command))?.[1];
      expect([command.name(), details]).toEqual([command.name(), HELP_LINKS[command.name()]]);
    }
  });

  it('#19 every page and heading the CLI names exists', () => {
    expect([...Object.values(HELP_LINKS), REPORT_CONTRACT_LINK].map((link) => [link, brokenReference(link)])).toEqual([...Object.values(HELP_LINKS), REPORT_CONTRACT_LINK].map((link) => [link, '']));
  });

  it('failing twin: a link to a heading that moved away is reported', () => {
    expect(brokenReference('docs/cli.md#the-report-stable-contract')).toBe('');
    expect(brokenReference('docs/cli.md#failure-codes')).toBe('docs/cli.md#failure-codes: docs/cli.md has no heading #failure-codes');
    expect(brokenReference('docs/commands.md#check')).toBe('docs/commands.md#check: no file docs/commands.md');
  });
});
