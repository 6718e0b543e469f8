/**
 * Links and anchors of the repository's markdown, resolved the way GitHub renders them: a relative
 * link names a file that exists, and its `#anchor` one of that page's headings (GitHub's slugs:
 * lower case, punctuation dropped, spaces to hyphens, a repeated heading numbered `-1`, `-2`, …).
 * Code (fenced blocks and inline spans) is neither a link nor a heading.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** The pages whose links must resolve: the README, every page in docs/, and infra's README. */
export function markdownPages(root = ROOT): string[] {
  return ['README.md', 'infra/README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

const withoutFences = (markdown: string) => markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
const withoutCode = (line: string) => line.replace(/`[^`]*`/g, (code) => code.slice(1, -1).replace(/[[\]()]/g, ' '));

/** GitHub's anchor for a heading's text (github-slugger). */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** The anchors a page's headings get, in order, repeated ones numbered as GitHub numbers them. */
export function anchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  return [...withoutFences(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)].map((m) => {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  });
}

/** Every link and image target outside code, as written. */
export function linkTargets(markdown: string): string[] {
  return withoutFences(markdown).split('\n').flatMap((line) =>
    [...withoutCode(line).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!));
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** The links of `page` (a path from the root) that do not resolve, each with the reason. */
export function brokenLinks(page: string, markdown: string, root = ROOT): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (isExternal(target)) continue;
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const file = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
    if (file.startsWith('..')) {
      problems.push(`${page}: ${target}: outside the repository`);
      continue;
    }
    if (!existsSync(join(root, file))) {
      problems.push(`${page}: ${target}: no file ${relative('.', file)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!file.endsWith('.md')) {
      problems.push(`${page}: ${target}: an anchor into ${file}, which is not a markdown page`);
      continue;
    }
    if (!anchors(readFileSync(join(root, file), 'utf8')).includes(anchor)) problems.push(`${page}: ${target}: ${file} has no heading #${anchor}`);
  }
  return problems;
}

/** A `docs/page.md#anchor` reference (CLI help, a source comment) that does not resolve, or ''. */
export function brokenReference(reference: string, root = ROOT): string {
  return brokenLinks('README.md', `[ref](${reference})`, root).map((p) => p.replace(/^README\.md: /, ''))[0] ?? '';
}
