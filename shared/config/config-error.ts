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
