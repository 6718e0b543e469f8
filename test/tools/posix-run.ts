/**
 * Runs printed POSIX commands in the real bash (or dash) the way an admin pastes them, one after
 * another in one shell (a variable one command sets is there for the next), to see the argv each
 * command really gets. `az` and `azd` are shell functions that record their argv and print what
 * the real lookups would (LOOKUP_OUTPUTS). PATH holds nothing but the programs a caller allows
 * (symlinks in a fresh directory): any other external command, such as curl, fails with
 * "command not found" instead of running.
 * Each command goes through `eval`, so a syntax error stays that command's error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOKUP_OUTPUTS } from './cmdlet-stubs';
import { posixQuote } from '../../shared/setup/shell-quote';

export interface PosixCommandRun {
  calls: string[][];
  stderr: string;
  status: number | null;
}
export interface PosixRun {
  commands: PosixCommandRun[];
  stdout: string;
  stderr: string;
  status: number | null;
}

const US = '\u001f'; // between arguments
const RS = '\u001e'; // after a call
const MARK = '\u001d'; // a record "<MARK>index": the next command starts

function stubFunction(program: 'az' | 'azd'): string {
  const cases = LOOKUP_OUTPUTS.filter((l) => l.words[0] === program).map((l) => {
    const words = l.words.slice(1).join(' ');
    return `    ${posixQuote(words)}|${posixQuote(words + ' ')}*) printf '%s\\n' ${posixQuote(l.output)};;`;
  });
  return `${program}() {\n  record ${program} "$@"\n  case "$*" in\n${cases.join('\n')}\n    *) ;;\n  esac\n}`;
}

const PRELUDE = [
  `record() { for a in "$@"; do printf '%s${US}' "$a" >> "$ARGV_LOG"; done; printf '${RS}' >> "$ARGV_LOG"; }`,
  stubFunction('az'),
  stubFunction('azd'),
  `__mark() { printf '${MARK}%s${RS}' "$1" >> "$ARGV_LOG"; printf '${MARK}%s\\n' "$1" >&2; }`,
].join('\n');

const RUNNER = `
__i=0
for __command in "$@"; do
  __mark "$__i"
  eval "$__command"
  __i=$((__i + 1))
done
__mark end
`;

export interface PosixOptions {
  shell?: 'bash' | 'dash';
  /** Real programs the commands may run (e.g. base64, tr for the deploy step); nothing else is on PATH. */
  allow?: string[];
  cwd?: string;
  timeoutMs?: number;
}

export function runPosixCommands(commands: string[], options: PosixOptions = {}): PosixRun {
  const shell = options.shell ?? 'bash';
  const path = `/bin/${shell}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package ${shell}`);
  const dir = mkdtempSync(join(tmpdir(), 'posix-run-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'argv');
  try {
    spawnSync('mkdir', [bin], { timeout: 5_000 });
    for (const program of options.allow ?? []) {
      const real = ['/usr/bin', '/bin'].map((d) => join(d, program)).find((p) => existsSync(p));
      if (!real) throw new Error(`allowed program ${program} is not installed`);
      symlinkSync(real, join(bin, program));
    }
    // --norc: bash reads ~/.bashrc when its stdin looks like a network connection (it may, under jest).
    const flags = shell === 'bash' ? ['--norc', '--noprofile', '-c'] : ['-c'];
    const run = spawnSync(path, [...flags, PRELUDE + RUNNER, shell, ...commands], {
      env: { PATH: bin, ARGV_LOG: log, HOME: dir, LC_ALL: 'C.UTF-8' },
      cwd: options.cwd ?? dir,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (run.error) throw run.error;
    const results: PosixCommandRun[] = commands.map(() => ({ calls: [], stderr: '', status: null }));
    let current = -1;
    for (const record of (existsSync(log) ? readFileSync(log, 'utf8') : '').split(RS).filter(Boolean)) {
      if (record.startsWith(MARK)) {
        current = record.slice(1) === 'end' ? -1 : Number(record.slice(1));
        continue;
      }
      if (current >= 0) results[current].calls.push(record.split(US).slice(0, -1));
    }
    current = -1;
    for (const line of run.stderr.split(/(?<=\n)/)) {
      if (line.startsWith(MARK)) {
        const tag = line.slice(1).trim();
        current = tag === 'end' ? -1 : Number(tag);
        continue;
      }
      if (current >= 0) results[current].stderr += line;
    }
    return { commands: results, stdout: run.stdout, stderr: run.stderr.split('\n').filter((l) => !l.startsWith(MARK)).join('\n'), status: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
