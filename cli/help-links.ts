/**
 * The docs section that explains each command, printed as the last line of its `--help`
 * ("Details: docs/cli.md#check"). Paths are from the repository root, where the docs live;
 * test/cli/help-links.test.ts checks that every page and heading named here exists.
 */
export const HELP_LINKS: Record<string, string> = {
  'mailbox-health': 'docs/cli.md#commands',
  check: 'docs/cli.md#check',
  expiry: 'docs/cli.md#expiry',
  validate: 'docs/cli.md#validate',
  demo: 'docs/cli.md#demo',
  setup: 'docs/deploy.md#the-steps-and-what-setup-prints',
  schema: 'docs/configuration.md#json-schema',
};

/** The report's JSON shape, named by `check --json`'s help. */
export const REPORT_CONTRACT_LINK = 'docs/cli.md#the-report-stable-contract';

/** The help's closing line for a command (the command list's page for one not named above). */
export const detailsLine = (command: string): string => `\nDetails: ${HELP_LINKS[command] ?? HELP_LINKS['mailbox-health']}`;
