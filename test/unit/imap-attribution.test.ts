/**
 * Issue 10, "Stale error attribution": a refused STATUS is explained only by an error imapflow
 * logged while that STATUS ran, never by an earlier one it swallowed (a failed ID, say).
 */
import type { ImapFlow } from 'imapflow';
import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { ImapSession } from '../../shared/imap/imap-session';
import { readFolder } from '../../shared/imap/probe';

function sessionWithEarlierError(): ImapSession {
  const session = new ImapSession();
  const log = session.logger();
  log.debug({ src: 's', msg: '* OK ready' });
  log.warn({ msg: 'ID failed', err: Object.assign(new Error('ID command refused'), { code: 'EarlierError' }) });
  return session;
}

describe('#10 stale error attribution in the IMAP probe', () => {
  it('#10 a STATUS that fails without logging is IMAP_PROTOCOL, not the earlier swallowed error', async () => {
    const session = sessionWithEarlierError();
    const client = { status: async () => false } as unknown as ImapFlow;
    const thrown = await readFolder(client, 'INBOX', session, 'm@x at h:993').catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CheckFailure);
    expect(thrown).toMatchObject({ code: 'IMAP_PROTOCOL', phase: 'folder' });
    expect((thrown as Error).message).not.toContain('ID command refused');
  });

  it('#10 its twin: an error logged during the STATUS is the one thrown', async () => {
    const session = sessionWithEarlierError();
    const refusal = Object.assign(new Error('STATUS refused'), { responseStatus: 'NO' });
    const client = {
      status: async () => {
        session.logger().warn({ err: refusal });
        return false;
      },
    } as unknown as ImapFlow;
    await expect(readFolder(client, 'INBOX', session, 'm@x at h:993')).rejects.toBe(refusal);
  });
});
