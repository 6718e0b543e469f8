/**
 * Issue 16 item 6: an output that cannot be written ends every command the same way, through real
 * processes: a closed pipe (`| true`) quietly with the command's own exit code (docs/cli.md,
 * "Signals and pipes"), a full disk (`>/dev/full`) with one line on stderr and exit 3 — never a stack trace,
 * never "internal error", never exit 1 ("degraded").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../e2e/cli-process';

let config: string;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'output-failures-'));
  config = join(dir, 'config.json');
  // The credential is an unset variable: check and expiry fail quickly (exit 2) without the network.
  writeFileSync(config, JSON.stringify({
    apps: [{ id: 'a', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { env: 'OUTPUT_FAILURES_UNSET_SECRET' } }],
    mailboxes: [{ id: 'm1', address: 'm1@contoso.example', app: 'a' }],
  }));
});

/** Runs `mailbox-health <args> <redirect>` in bash; the CLI's own status is PIPESTATUS[0]. */
function shell(args: string, redirect: string): { code: number; stderr: string } {
  const script = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args} ${redirect}; echo "cli-exit=\${PIPESTATUS[0]}" >&2`;
  const env = { ...process.env, MAILBOX_HEALTH_CONFIG: '', OUTPUT_FAILURES_UNSET_SECRET: '' };
  const result = spawnSync('bash', ['-c', script], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: Number(/cli-exit=(\d+)/.exec(result.stderr)?.[1]), stderr: result.stderr.replace(/cli-exit=\d+\n/, '') };
}

const commands = () => [
  [`setup --config ${config}`, 0],
  [`setup --config ${config} --json`, 0],
  [`expiry --config ${config}`, 2],
  [`expiry --config ${config} --json`, 2],
  [`check --config ${config}`, 2],
  [`check --config ${config} --json`, 2],
  [`validate --config ${config}`, 0],
  ['schema', 0],
] as const;

describe('#16.6 closed pipes and full disks', () => {
  it('#16.6 the control: each command written to a working pipe exits with its own outcome, stderr quiet', () => {
    for (const [args, own] of commands()) expect([args, shell(args, '| cat >/dev/null')]).toEqual([args, { code: own, stderr: '' }]);
  });

  it('#16.6 a closed pipe (| true) ends every command quietly with its own exit code', () => {
    for (const [args, own] of commands()) expect([args, shell(args, '| true')]).toEqual([args, { code: own, stderr: '' }]);
  });

  it('#16.6 a full disk (>/dev/full) is one line on stderr and exit 3 for every command, never a stack', () => {
    for (const [args] of commands()) {
      expect([args, shell(args, '>/dev/full')]).toEqual([args, { code: 3, stderr: 'mailbox-health: the output could not be written to stdout (ENOSPC: no space left on device, write); the outcome is unknown\n' }]);
    }
  });

  it('#16.6 the demo (which runs the check in a process of its own) too: a full disk is one line and exit 3', () => {
    expect(shell('demo', '>/dev/full')).toEqual({ code: 3, stderr: 'mailbox-health: the output could not be written to stdout (ENOSPC: no space left on device, write); the outcome is unknown\n' });
  });

  it('#16.6 a stdout open only for reading (EBADF) is the same one line and exit 3', () => {
    for (const args of [`validate --config ${config}`, 'schema']) {
      expect([args, shell(args, '1</dev/null')]).toEqual([args, { code: 3, stderr: 'mailbox-health: the output could not be written to stdout (EBADF: bad file descriptor, write); the outcome is unknown\n' }]);
    }
  });
});
