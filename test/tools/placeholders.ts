/**
 * Placeholders an admin fills in are written `<what to put here>` (shared/diagnosis/printed-commands.ts).
 * Before a command runs, each one is replaced with a sample value, chosen from its text:
 * - it gives an example (`<its expiry, e.g. 2027-11-27T00:00:00Z>`): the example, so the example
 *   itself is checked (a bad format in it is a bad format the admin copies);
 * - it asks for an id (`<principal id>`, `<Enterprise application object id: ...>`): SAMPLE_GUID;
 * - it names a file (`<certificate.pem>`): that file name;
 * - anything else: PLACEHOLDER.
 * A placeholder that nests another `<` or holds a `$(` command is a problem: the admin cannot tell
 * what to replace, and a shell would run the command inside it.
 * `<` followed by a space or `<<`/`<(` is shell syntax, not a placeholder.
 */
export const SAMPLE_GUID = '00000000-0000-4000-8000-00000000d1d0';
export const SAMPLE_TEXT = 'PLACEHOLDER';

export interface Substituted {
  text: string;
  placeholders: { original: string; sample: string }[];
  problems: string[];
}

function sampleFor(inner: string): string {
  const example = inner.match(/\be\.g\.\s+(\S+?)\s*$/);
  if (example) return example[1];
  if (/\b(ids?|guid)\b/i.test(inner)) return SAMPLE_GUID;
  if (/^[\w.-]+\.\w{2,4}$/.test(inner)) return inner;
  return SAMPLE_TEXT;
}

export function substitutePlaceholders(text: string): Substituted {
  const placeholders: Substituted['placeholders'] = [];
  const problems: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('<', i);
    if (start < 0 || !/[A-Za-z]/.test(text[start + 1] ?? '') || text[start - 1] === '<') {
      if (start < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, start + 1);
      i = start + 1;
      continue;
    }
    // Find the matching `>`, counting nested placeholders so that one with `<...>` inside is seen whole.
    let depth = 0;
    let end = -1;
    for (let j = start; j < text.length; j++) {
      if (text[j] === '<' && /[A-Za-z]/.test(text[j + 1] ?? '')) depth++;
      else if (text[j] === '>') {
        depth--;
        if (depth === 0) {
          end = j;
          break;
        }
      } else if (text[j] === '\n') break;
    }
    if (end < 0) {
      problems.push(`an unclosed placeholder: ${text.slice(start, start + 60)}`);
      out += text.slice(i);
      break;
    }
    const original = text.slice(start, end + 1);
    const inner = original.slice(1, -1);
    if (/<[A-Za-z]/.test(inner)) problems.push(`placeholder ${original} nests another placeholder: write one placeholder, or the command that finds the value as its own step`);
    if (inner.includes('$(')) problems.push(`placeholder ${original} holds a $( command: a shell would run it`);
    const sample = sampleFor(inner);
    placeholders.push({ original, sample });
    out += text.slice(i, start) + sample;
    i = end + 1;
  }
  return { text: out, placeholders, problems };
}
