/**
 * JSON.parse with an error a person can act on: line and column, and the usual reasons a hand
 * edited file is not JSON (comments, trailing commas, single quotes) named as such.
 */
import { parse, ParseErrorCode, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigError } from './config-error';

export function parseJsonText(text: string, source: string): unknown {
  if (text.trim() === '') throw new ConfigError(source, [{ path: '$', message: 'is empty: expected the configuration JSON, an object {…}' }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [{ path: '$', message: describeSyntaxError(text, (error as Error).message) }]);
  }
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
