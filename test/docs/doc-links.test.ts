/**
 * Issue 19: every relative link (and its #anchor) in README.md, docs/*.md and infra/README.md
 * resolves, so every detail stays one working link away when text moves between pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchors, brokenLinks, brokenReference, linkTargets, markdownPages, ROOT, slug } from './markdown-links';

const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');
/** A title, then a first paragraph saying who the page is for. */
const startsWithWhoFor = (markdown: string) => /^# [^\n]+\n\nFor /.test(markdown);

describe('#19 the docs link only to what exists', () => {
  it('#19 checks the README, every page in docs/ and infra/README.md', () => {
    expect(markdownPages()).toEqual(expect.arrayContaining(['README.md', 'infra/README.md', 'docs/configuration.md', 'docs/failure-codes.md', 'docs/deploy.md', 'docs/operations.md', 'docs/cli.md', 'docs/performance.md', 'docs/reliability.md', 'docs/ARCHITECTURE.md', 'docs/SDK-FACTS.md']));
    // The check has something to check: the README links to every page of its docs map.
    expect(linkTargets(read('README.md')).filter((t) => t.startsWith('docs/')).length).toBeGreaterThanOrEqual(9);
  });

  it('#19 every relative link and #anchor resolves', () => {
    expect(markdownPages().flatMap((page) => brokenLinks(page, read(page)))).toEqual([]);
  });

  it('#19 every page in docs/ starts with who it is for, under its title', () => {
    const pages = markdownPages().filter((p) => p.startsWith('docs/'));
    expect(pages.filter((p) => !startsWithWhoFor(read(p)))).toEqual([]);
  });

  it('failing twin: a page that starts with anything else is named', () => {
    expect(startsWithWhoFor('# Operations\n\nFor the admin who runs it.\n')).toBe(true);
    expect(startsWithWhoFor('# Operations\n\nWith APPLICATIONINSIGHTS_CONNECTION_STRING set, …\n')).toBe(false);
  });
});

describe('#19 failing twins: a broken link is reported', () => {
  it('a missing file, a missing anchor, an anchor into a file that is not markdown', () => {
    const page = 'docs/cli.md';
    const text = '[a](configuration.md) [b](nope.md) [c](operations.md#no-such-section) [d](#exit-codes) [e](#nowhere) [f](status-page.png#x) [g](https://example.com/x.md)';
    expect(brokenLinks(page, text)).toEqual([
      'docs/cli.md: nope.md: no file docs/nope.md',
      'docs/cli.md: operations.md#no-such-section: docs/operations.md has no heading #no-such-section',
      'docs/cli.md: #nowhere: docs/cli.md has no heading #nowhere',
      'docs/cli.md: status-page.png#x: an anchor into docs/status-page.png, which is not a markdown page',
    ]);
    expect(brokenLinks('README.md', '[x](../outside.md)')).toEqual(['README.md: ../outside.md: outside the repository']);
    expect(brokenReference('docs/cli.md#no-such')).toBe('docs/cli.md#no-such: docs/cli.md has no heading #no-such');
    expect(brokenReference('docs/cli.md#exit-codes')).toBe('');
  });

  it('links inside code are not links; headings inside code are not anchors', () => {
    expect(linkTargets('`[x](gone.md)`\n```\n[y](gone.md)\n```\n[z](here.md)')).toEqual(['here.md']);
    expect(anchors('# One\n```sh\n# a comment\n```\n## One')).toEqual(['one', 'one-1']);
  });

  it("GitHub's slugs: code, punctuation and case", () => {
    expect(slug('The report (stable contract)')).toBe('the-report-stable-contract');
    expect(slug('Key Vault after `azd down`')).toBe('key-vault-after-azd-down');
    expect(slug("LogicalDOC's fields")).toBe('logicaldocs-fields');
    expect(slug('Measured: 1,000 mailboxes')).toBe('measured-1000-mailboxes');
    expect(slug('What is checked here, and what only Azure can check')).toBe('what-is-checked-here-and-what-only-azure-can-check');
  });
});
