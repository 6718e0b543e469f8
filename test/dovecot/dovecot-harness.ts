/**
 * Starts a real Dovecot (Debian's dovecot-imapd + dovecot-auth-lua) for the tests: own config,
 * base_dir, state_dir and log in a temp dir, implicit TLS on a free loopback port, XOAUTH2 logins
 * decided by Exchange's rules through the Lua passdb and the local verifier (docs/SDK-FACTS.md, "IMAP").
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import tls from 'node:tls';
import { delimiter, join } from 'node:path';
import type { SimExchange } from '../../sim/scenario';
import { seedMaildir } from './seed-maildir';
import { startVerifier } from './verifier-server';

export { seedMaildir };

export interface DovecotOptions {
  exchange: () => SimExchange;
  publicKeyPem: string;
  tls: { certPem: string; keyPem: string };
}

export interface Dovecot {
  host: '127.0.0.1';
  port: number;
  /** Where the mailboxes live: seeded with seedMaildir() from options.exchange() at start. */
  mailRoot: string;
  /** Verifier decisions, one per login attempt (`user → ok|reason`). */
  decisions: string[];
  startupMs: number;
  logs(): string;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'install Dovecot: apt-get install -y dovecot-imapd dovecot-auth-lua';
const STARTUP_TIMEOUT_MS = 10_000;

function findDovecot(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  const binary = dirs.map((d) => join(d, 'dovecot')).find((p) => existsSync(p));
  if (!binary) throw new Error(INSTALL_HINT);
  // The Lua passdb is a separate Debian package; without it the config fails with an obscure error.
  const moduleDir = /Module dir: (\S+)/.exec(spawnSync(binary, ['--build-options'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  if (moduleDir && !existsSync(join(moduleDir, 'auth', 'libauthdb_lua.so'))) throw new Error(INSTALL_HINT);
  return binary;
}

/**
 * Who the processes and the mail files belong to. As root: Debian's dovecot/dovenull users (Dovecot
 * refuses mail access as uid 0). Unprivileged: everything as the invoking user, which needs the
 * listeners' group to be ours, auth-worker (root by default, for /etc/shadow) moved to our user,
 * and no chroot (root only).
 */
function userSettings(): Record<string, string> {
  if (process.getuid?.() === 0) {
    const uid = (name: string, flag: '-u' | '-g') => spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim();
    return { LOGIN_USER: 'dovenull', INTERNAL_USER: 'dovecot', MAIL_UID: uid('dovecot', '-u'), MAIL_GID: uid('dovecot', '-g'), EXTRA_USER_SETTINGS: '' };
  }
  const me = userInfo();
  const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  const extra = [
    `default_internal_group = ${group}`,
    'service auth-worker {\n  user = $default_internal_user\n}',
    'service anvil {\n  chroot =\n}',
    'service imap-login {\n  chroot =\n}',
  ].join('\n');
  return { LOGIN_USER: me.username, INTERNAL_USER: me.username, MAIL_UID: String(me.uid), MAIL_GID: String(me.gid), EXTRA_USER_SETTINGS: extra };
}

/** Templates sit beside this file's source; from dist/test/dovecot, look in the source tree. */
function template(name: string): string {
  const beside = join(__dirname, name);
  return readFileSync(existsSync(beside) ? beside : join(__dirname, '../../../test/dovecot', name), 'utf8');
}

function render(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template value ${name} missing`);
    return value;
  });
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One connection attempt; true when `connect` fires, after which the socket is closed again. */
async function canConnect(target: { port: number; host: string } | { path: string }, greeting?: RegExp): Promise<boolean> {
  const socket = connect(target as { port: number; host: string });
  const ok = await new Promise<boolean>((resolve) => {
    socket.setTimeout(1000, () => resolve(false));
    socket.once('error', () => resolve(false));
    if (!greeting) return void socket.once('connect', () => resolve(true));
    // Dovecot auth protocol: after our VERSION/CPID the server lists its mechanisms, then DONE.
    socket.once('connect', () => socket.write(`VERSION\t1\t2\nCPID\t${process.pid}\n`));
    let text = '';
    socket.on('data', (chunk) => greeting.test((text += String(chunk))) && resolve(true));
  });
  // An open probe would hold an imap-login or auth client, and with it Dovecot's shutdown.
  socket.destroy();
  return ok;
}

/**
 * True once imap-login answers a TLS handshake. Verification stays on: a certificate this process
 * does not trust (the untrusted-CA test) fails the handshake only after the server has sent it,
 * which is proof enough that the login process is up.
 */
async function tlsAnswers(port: number): Promise<boolean> {
  const socket = tls.connect({ port, host: '127.0.0.1' });
  const ok = await new Promise<boolean>((resolve) => {
    socket.setTimeout(1000, () => resolve(false));
    socket.once('secureConnect', () => resolve(true));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(CERT_ERRORS.test(err.code ?? '')));
  });
  socket.destroy();
  return ok;
}
const CERT_ERRORS = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|ERR_TLS_CERT_ALTNAME_INVALID|CERT_\w+)$/;

/**
 * Ready means imap-login answers TLS AND the auth process answers. Auth starts on demand, and a
 * Dovecot stopped while auth is still starting hangs in shutdown (its config read blocks once the
 * config process is gone), so startDovecot() returns only after both.
 */
async function waitForReady(port: number, baseDir: string, child: ChildProcess, deadline: number): Promise<void> {
  let loginUp = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`dovecot exited (${child.exitCode ?? child.signalCode})`);
    loginUp = loginUp || (await tlsAnswers(port));
    if (loginUp && (await canConnect({ path: join(baseDir, 'auth-client') }, /\nDONE\n/))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dovecot was not ready on 127.0.0.1:${port} within ${STARTUP_TIMEOUT_MS} ms`);
}

/**
 * Kills Dovecot's whole process group (its own: spawned detached, so pgid = the master's pid) and
 * waits until the master has exited and the port refuses connections. Not SIGTERM: Dovecot's
 * graceful stop takes its master 1-3 s of polling for children, and the instance's state is a
 * temp dir deleted right after. (Orphaned zombies may linger until init reaps them: they hold
 * no sockets, so they are not waited for.)
 */
async function stopChild(child: ChildProcess, port: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
  await exited;
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && (await canConnect({ port, host: '127.0.0.1' }))) await new Promise((resolve) => setTimeout(resolve, 20));
}

export async function startDovecot(options: DovecotOptions): Promise<Dovecot> {
  const binary = findDovecot();
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'mailbox-health-dovecot-'));
  // Traversable for Dovecot's unprivileged auth and mail processes when the tests run as root.
  chmodSync(dir, 0o755);
  const verifier = await startVerifier({ exchange: options.exchange, publicKeyPem: options.publicKeyPem });
  const users = userSettings();
  writeFileSync(join(dir, 'server-cert.pem'), options.tls.certPem);
  writeFileSync(join(dir, 'server-key.pem'), options.tls.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'auth.lua'), render(template('auth.lua.template'), { VERIFIER_URL: verifier.url }));
  const mailRoot = join(dir, 'mail');
  seedMaildir(mailRoot, options.exchange());
  if (process.getuid?.() === 0) chownTree(mailRoot, Number(users.MAIL_UID), Number(users.MAIL_GID));

  let stderr = '';
  const logs = () => {
    const file = join(dir, 'dovecot.log');
    return (existsSync(file) ? readFileSync(file, 'utf8') : '') + stderr;
  };
  // The free port can be taken between probing and Dovecot's bind: retry with a new one.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = join(dir, 'dovecot.conf');
    const values = { ...users, DIR: dir, PORT: String(port), INSTANCE: `mailbox-health-${randomBytes(4).toString('hex')}` };
    writeFileSync(config, render(template('dovecot.conf.template'), values));
    // Own process group (detached), so stop() can end Dovecot's children by the group's id.
    const child = spawn(binary, ['-F', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    try {
      await waitForReady(port, join(dir, 'run'), child, started + STARTUP_TIMEOUT_MS);
    } catch (err) {
      await stopChild(child, port);
      if (attempt < 3 && /Address already in use/.test(logs())) continue;
      await verifier.stop();
      const output = logs();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${output}`);
    }
    // A test run that dies without afterAll must not leave a Dovecot behind (it runs detached).
    const killOnExit = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', killOnExit);
    return {
      host: '127.0.0.1',
      port,
      mailRoot,
      decisions: verifier.decisions,
      startupMs: Date.now() - started,
      logs,
      async stop() {
        process.removeListener('exit', killOnExit);
        await stopChild(child, port);
        await verifier.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  spawnSync('chown', ['-R', `${uid}:${gid}`, path]);
  chownSync(path, uid, gid);
}
