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
  ) {
    super(`${source} is not a valid configuration:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
}

/** CONFIG_INVALID in the shape of a result's failure, for the CLI's --json and the HTTP function. */
export function configFailure(error: ConfigError) {
  const remedy = error.source.startsWith('app setting')
    ? `Fix the listed fields in the ${error.source}; to check a draft locally, save it as a file and run: npx mailbox-health validate --config <file>`
    : `Fix the listed fields in ${error.source}, then check it with: npx mailbox-health validate --config ${error.source}`;
  return { code: error.code, phase: 'config' as const, kind: 'config' as const, message: error.message, remedy, problems: error.problems };
}
