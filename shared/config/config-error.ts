/** Every problem of a config at once, each with the JSON path it concerns. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';

  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
    headline = `${source} is not a valid configuration`,
  ) {
    super(`${headline}:\n${listProblems(problems, MESSAGE_LINES)}`);
  }
}

/** The source of the error when no configuration was found at all. */
export const NO_CONFIG = 'no configuration';

/** Lines in the message; the JSON body carries more, and neither carries all of 10,000. */
const MESSAGE_LINES = 20;
const BODY_PROBLEMS = 100;

function listProblems(problems: ConfigProblem[], max: number): string {
  const lines = problems.slice(0, max).map((p) => `  ${p.path}: ${p.message}`);
  if (problems.length > max) lines.push(`  …and ${(problems.length - max).toLocaleString('en-US')} more problem(s)`);
  return lines.join('\n');
}

/** CONFIG_INVALID in the shape of a result's failure, for the CLI's --json and the HTTP function. */
export function configFailure(error: ConfigError) {
  const remedy = error.source === NO_CONFIG
    ? 'Give the configuration file with --config <file>, or put the configuration JSON in MAILBOX_HEALTH_CONFIG, or save it as mailboxes.json in the current directory. To see the monitor at work without one: npx mailbox-health demo'
    : error.source.startsWith('app setting')
    ? `Fix the listed fields in the ${error.source}; to check a draft locally, save it as a file and run: npx mailbox-health validate --config <file>`
    : `Fix the listed fields in ${error.source}, then check it with: npx mailbox-health validate --config ${error.source}`;
  const problems = error.problems.slice(0, BODY_PROBLEMS);
  return {
    code: error.code,
    phase: 'config' as const,
    kind: 'config' as const,
    message: error.message,
    remedy,
    problems,
    ...(error.problems.length > problems.length ? { problemsOmitted: error.problems.length - problems.length } : {}),
  };
}
