/**
 * Issue 19: the README stays a five-minute read (at most 250 lines), and its two commands stay
 * what CI runs: the test command installs the same system packages as .ci/run and then `npm ci`
 * and `npm test`; the try-it command's `npm start` is the bare command, which shows a person the
 * demo when nothing is configured. Every code the README names is a code of codes.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_CODES, WARNING_CODES } from '../../shared/contract/codes';
import { ROOT } from './markdown-links';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');

/** The shell blocks of a markdown text, one string each. */
const shellBlocks = (markdown: string) => [...markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!.trim());
/** The packages an `apt-get install` line names (options left out). */
const aptPackages = (text: string) => (/apt-get install ([^\n&]+)/.exec(text)?.[1] ?? '').split(/\s+/).filter((w) => w && !w.startsWith('-')).sort();

function commandProblems(markdown: string, ci: string): string[] {
  const blocks = shellBlocks(markdown);
  const problems: string[] = [];
  if (!blocks.includes('npm ci && npm start')) problems.push('no try-it command `npm ci && npm start`');
  const test = blocks.find((b) => b.includes('npm test'));
  if (!test) return [...problems, 'no test command'];
  if (aptPackages(test).join(' ') !== aptPackages(ci).join(' ')) problems.push(`the test command installs ${aptPackages(test).join(' ')}, .ci/run ${aptPackages(ci).join(' ')}`);
  if (!/&& npm ci && npm test$/.test(test)) problems.push(`the test command does not end with npm ci && npm test: ${test}`);
  return problems;
}

const codesNamed = (markdown: string) => [...new Set([...markdown.matchAll(/\b[A-Z]+(?:_[A-Z0-9]+)+\b/g)].map((m) => m[0]))];
const KNOWN = new Set<string>([...Object.keys(FAILURE_CODES), ...WARNING_CODES]);
/** Upper-case names in the README that are settings or variables, not codes. */
const isSetting = (name: string) => /^(MAILBOX_HEALTH_CONFIG|AZURE_|APPLICATIONINSIGHTS_|ALERT_|CHECK_SCHEDULE|NODE_EXTRA)/.test(name) || name.endsWith('_BASE64') || name.endsWith('_NAME');

describe('#19 the README', () => {
  it('#19 is at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('#19 its two commands are what CI runs, and npm start is the bare command', () => {
    expect(commandProblems(readme, read('.ci/run'))).toEqual([]);
    expect(read('.ci/run')).toMatch(/^npm ci$[\s\S]*^npm test$/m);
    expect(JSON.parse(read('package.json')).scripts.start).toBe('node bin/mailbox-health.js');
  });

  it('#19 every code it names is a code of shared/contract/codes.ts', () => {
    const named = codesNamed(readme).filter((n) => !isSetting(n));
    expect(named.length).toBeGreaterThanOrEqual(10);
    expect(named.filter((n) => !KNOWN.has(n))).toEqual([]);
  });
});

describe('#19 failing twins', () => {
  it('a test command that lost a package, or the try-it command gone, is reported', () => {
    const ci = 'apt-get install -y --no-install-recommends dovecot-imapd dovecot-auth-lua chromium\nnpm ci\nnpm test\n';
    const twin = '```sh\nnpm ci && npm run demo\n```\n\n```sh\napt-get update && apt-get install -y dovecot-imapd chromium && npm ci && npm test\n```\n';
    expect(commandProblems(twin, ci)).toEqual(['no try-it command `npm ci && npm start`', 'the test command installs chromium dovecot-imapd, .ci/run chromium dovecot-auth-lua dovecot-imapd']);
  });

  it('a code that does not exist is found', () => {
    expect(codesNamed('fails with IMAP_AUTH_FAILED or IMAP_LOGIN_REFUSED').filter((n) => !KNOWN.has(n))).toEqual(['IMAP_LOGIN_REFUSED']);
  });
});
