/** The problems a config is refused with, path → message; throws when it is accepted. */
import { ConfigError } from '../../shared/config/config-error';
import { parseConfig } from '../../shared/config/load';

export function problems(value: unknown): Record<string, string> {
  try {
    parseConfig(value, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).problems.map((p) => [p.path, p.message]));
  }
  throw new Error('expected the config to be rejected');
}
