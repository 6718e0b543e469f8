/**
 * JSON.parse with an error a person can act on: line and column, and the usual reasons a hand
 * edited file is not JSON (comments, trailing commas, single quotes) named as such.
 */
import { parse, ParseErrorCode, printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { ConfigError, type ConfigProblem } from './config-error';
import { jsonPath } from './json-path';

export function parseJsonText(text: string, source: string): unknown {
  if (text.trim() === '') throw new ConfigError(source, [{ path: '$', message: 'is empty: expected the configuration JSON, an object {…}' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [{ path: '$', message: describeSyntaxError(text, (error as Error).message) }]);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) throw new ConfigError(source, duplicates);
  return value;
}

/**
 * JSON.parse keeps the last of two equal keys and drops the first without a word (#16.7): a
 * second "mailboxes" list left ten mailboxes silently unmonitored, a second "address" checked
 * another mailbox. Every repeated key is a problem at its own path, with the line of the repeat.
 */
export function duplicateKeys(text: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // One set of keys per open object; jsonc-parser reports a property with its object's path.
  const open: Map<string, number>[] = [];
  try {
    visit(text, {
      onObjectBegin: () => {
        open.push(new Map());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (key, _offset, _length, line, _column, path) => {
        const seen = open.at(-1);
        if (!seen) return;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, line + 1);
        else problems.push({ path: jsonPath([...path(), key]), message: `is given twice in the same object (${first === line + 1 ? `both on line ${first}` : `lines ${first} and ${line + 1}`}): JSON would silently keep only the last; remove one` });
      },
    });
  } catch {
    // Too deep for the recursive visitor: such a file fails the schema, which says so.
  }
  return problems;
}

export function describeSyntaxError(text: string, v8Message: string): string {
  // V8 gives a position only sometimes; jsonc-parser (VS Code's) locates every error.
  const found = locate(text);
  const at = found?.offset ?? text.length;
  const { line, column } = lineColumn(text, at);
  const what = found ? (WORDS[found.error] ?? printParseErrorCode(found.error)) : v8Message;
  return `is not valid JSON at line ${line}, column ${column}: ${hint(text, at) ?? what}`;
}

function locate(text: string): ParseError | undefined {
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return undefined; // too deep for a recursive parser: the position stays unknown
  }
  return errors[0];
}

const WORDS: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character (text outside quotes?)',
  [ParseErrorCode.InvalidNumberFormat]: 'not a valid number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a field name in double quotes',
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.ColonExpected]: 'expected a colon (:) after the field name',
  [ParseErrorCode.CommaExpected]: 'expected a comma (,) between the items',
  [ParseErrorCode.CloseBraceExpected]: 'expected a closing }',
  [ParseErrorCode.CloseBracketExpected]: 'expected a closing ]',
  [ParseErrorCode.EndOfFileExpected]: 'more text after the end of the JSON',
  [ParseErrorCode.InvalidCommentToken]: 'comments (// or /* */) are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfComment]: 'comments (// or /* */) are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfString]: 'a string is not closed (a missing ")',
  [ParseErrorCode.InvalidUnicode]: 'an invalid \\u escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'an invalid escape (a single \\ must be written \\\\)',
  [ParseErrorCode.InvalidCharacter]: 'a control character (a line break or tab) inside a string',
};

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function hint(text: string, at: number): string | undefined {
  if (at >= text.length) return 'the text ends before the JSON does (a missing } or ]?)';
  const here = text[at]!;
  if (here === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) return 'comments (// or /* */) are not allowed in JSON';
  if (here === '#') return 'comments (#) are not allowed in JSON';
  if (here === "'") return "strings and field names need double quotes (\"), not single quotes (')";
  if ((here === '}' || here === ']') && /,\s*$/.test(text.slice(0, at))) return `a trailing comma before ${here} is not allowed in JSON`;
  return undefined;
}
