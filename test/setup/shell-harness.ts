/**
 * Runs pasted commands the way an admin's shell would, to see the arguments each command really
 * receives. POSIX: the real bash and dash, with az/azd replaced by functions that record their
 * argv. PowerShell: no PowerShell is installable here, so its lines are parsed with the
 * tree-sitter-powershell grammar (a syntax parse) and the string arguments decoded by the
 * language's quoting rules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { grammarParser } from '../infra/tree-sitter-grammar';

export const FAKE_SECRET = 'Fk8Q~fake.secret_value-1';
export const FAKE_GUID = '11111111-2222-3333-4444-555555555555';

// Stand-ins for az and azd: record argv (unit separator between arguments, record separator
// between calls) and print what the real command would for the lookups the setup chains.
const PRELUDE = `
record() { for a in "$@"; do printf '%s\\037' "$a" >> "$ARGV_LOG"; done; printf '\\036' >> "$ARGV_LOG"; }
az() { record az "$@"; case "$1 $2 $3" in "ad app credential") echo '${FAKE_SECRET}';; "ad sp show") echo '${FAKE_GUID}';; esac; }
azd() { record azd "$@"; case "$1 $2" in "env get-value") echo '${FAKE_GUID}';; esac; }
`;

export interface ShellRun {
  calls: string[][];
  stdout: string;
  stderr: string;
  status: number | null;
}

export function runPosix(shell: 'bash' | 'dash', script: string, cwd?: string): ShellRun {
  const path = `/bin/${shell}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package ${shell}`);
  const log = join(mkdtempSync(join(tmpdir(), 'setup-shell-')), 'argv');
  // --norc: bash reads ~/.bashrc when its stdin looks like a network connection (it may, under jest).
  const flags = shell === 'bash' ? ['--norc', '--noprofile', '-c'] : ['-c'];
  const run = spawnSync(path, [...flags, PRELUDE + script], { env: { PATH: process.env.PATH, ARGV_LOG: log }, cwd, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  const calls = text.split('\u001e').filter(Boolean).map((call) => call.split('\u001f').slice(0, -1));
  return { calls, stdout: run.stdout, stderr: run.stderr, status: run.status };
}

/** A command as PowerShell would bind it: name, then each element (parameters as written, strings decoded). */
export interface PsCommand {
  name: string;
  args: string[];
}

/** about_Quoting_Rules: inside '...', two quote characters stand for one; nothing else is special. */
function decodeVerbatim(text: string): string {
  return text.slice(1, -1).replace(/(['\u2018\u2019\u201A\u201B])['\u2018\u2019\u201A\u201B]/g, '$1');
}

function elementText(node: Node): string {
  if (node.type === 'string_literal' && node.text.startsWith("'")) return decodeVerbatim(node.text);
  return node.text;
}

function collect(node: Node, out: PsCommand[]): void {
  if (node.type === 'command') {
    const name = node.childForFieldName('command_name')?.text ?? '';
    const elements = node.childForFieldName('command_elements');
    const args: string[] = [];
    for (const child of elements?.namedChildren ?? []) {
      if (!child || child.type === 'command_argument_sep') continue;
      // array_literal_expression > unary_expression > string_literal | variable | ...
      let leaf: Node = child;
      while (leaf.namedChildCount === 1 && !['string_literal', 'variable'].includes(leaf.type)) leaf = leaf.namedChild(0)!;
      args.push(elementText(leaf));
    }
    out.push({ name, args });
  }
  for (const child of node.namedChildren) if (child) collect(child, out);
}

/** Parses PowerShell text; throws with the text when the grammar finds a syntax error. */
export async function parsePowerShell(text: string): Promise<PsCommand[]> {
  const tree = (await grammarParser('tree-sitter-powershell')).parse(text)!;
  if (tree.rootNode.hasError) throw new Error(`PowerShell syntax error in:\n${text}\n${tree.rootNode.toString()}`);
  const out: PsCommand[] = [];
  collect(tree.rootNode, out);
  return out;
}

/** The value after a parameter (-Identity x, --id x). */
export function argAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}
