/** The az reference checker on argv as a shell hands them over: each accepted form paired with the mistake it must catch. */
import { checkAzArgv } from './az-reference';

const kinds = (argv: string[]) => checkAzArgv(argv).map((p) => p.kind);

describe('az reference checker', () => {
  it('accepts a documented command with long and short names, --name=value and a global -o', () => {
    expect(checkAzArgv(['az', 'keyvault', 'secret', 'set', '--vault-name', 'kv', '-n', 's', '--value=x', '--expires', '2027-05-29T00:00:00Z', '-o', 'none'])).toEqual([]);
  });
  it('failing twin: an invented parameter', () => {
    expect(kinds(['az', 'keyvault', 'secret', 'set', '--vault-name', 'kv', '-n', 's', '--value', 'x', '--expiry', '2027-05-29T00:00:00Z'])).toEqual(['unknown-parameter']);
  });
  it('--expires with seconds and Z passes; with milliseconds, an offset or a bad day it is rejected as the CLI does', () => {
    const set = (expires: string) => kinds(['az', 'keyvault', 'secret', 'set-attributes', '--vault-name', 'kv', '--name', 's', '--expires', expires]);
    expect(set('2027-05-29T00:00:00Z')).toEqual([]);
    expect(set('2027-05-29')).toEqual([]);
    expect(set('2027-05-29T00:00:00.000Z')).toEqual(['bad-value']);
    expect(set('2027-05-29T00:00:00+00:00')).toEqual(['bad-value']);
    expect(set('2027-02-30T00:00:00Z')).toEqual(['bad-value']);
  });
  it('--years takes an integer', () => {
    expect(kinds(['az', 'ad', 'app', 'credential', 'reset', '--id', 'x', '--years', '1'])).toEqual([]);
    expect(kinds(['az', 'ad', 'app', 'credential', 'reset', '--id', 'x', '--years', '1.5'])).toEqual(['bad-value']);
  });
  it('a flag takes no value; a value parameter needs one (an option after it is not a value)', () => {
    expect(kinds(['az', 'ad', 'app', 'credential', 'reset', '--id', 'x', '--append'])).toEqual([]);
    expect(kinds(['az', 'ad', 'app', 'credential', 'reset', '--id', 'x', '--append=yes'])).toEqual(['bad-value']);
    expect(kinds(['az', 'ad', 'app', 'credential', 'reset', '--id', '--append'])).toEqual(['missing-value']);
  });
  it('unknown command path, missing required parameter, accepted values, stray positional', () => {
    expect(kinds(['az', 'ad', 'app', 'credentials', 'reset', '--id', 'x'])).toEqual(['unknown-command']);
    expect(kinds(['az', 'ad', 'sp', 'show'])).toEqual(['missing-required']);
    expect(kinds(['az', 'ad', 'sp', 'show', '--id', 'x', '-o', 'text'])).toEqual(['bad-value']);
    expect(kinds(['az', 'ad', 'sp', 'show', '--id', 'x', 'y'])).toEqual(['unexpected-argument']);
  });
  it('a prefix of a documented name is reported with the full name', () => {
    const problems = checkAzArgv(['az', 'monitor', 'metrics', 'list', '--resource', 'r', '--metric', 'ServiceApiHit']);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/--metrics/);
  });
});
