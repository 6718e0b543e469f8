/**
 * Writes the simulated mailboxes as Maildir++ for the test Dovecot: INBOX is the mailbox root,
 * folder "A/B" is the subdirectory ".A.B" (Dovecot's namespace separator is "/", as Exchange's).
 * Unseen mail lies in new/, seen mail in cur/ with the S flag. The file's mtime is the arrival
 * time, which Dovecot reports as INTERNALDATE, and the leading timestamp of the file name orders
 * the UIDs (Dovecot sorts new files by it), so the oldest message gets the lowest UID.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimExchange, SimFolder } from '../../sim/scenario';

function folderDir(mailboxDir: string, folder: SimFolder): string {
  if (folder.name.toUpperCase() === 'INBOX') return mailboxDir;
  // Maildir++ names are one level: "." prefix, hierarchy joined by ".".
  return join(mailboxDir, `.${folder.name.split('/').join('.')}`);
}

function message(address: string, index: number, date: Date): string {
  return [
    `From: sender${index}@example.net`,
    `To: ${address}`,
    `Subject: Simulated message ${index + 1}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <sim-${index}-${date.getTime()}@mailbox-health.test>`,
    '',
    'Seeded by test/dovecot/seed-maildir.ts.',
    '',
  ].join('\r\n');
}

export function seedMaildir(root: string, exchange: SimExchange, now = Date.now()): void {
  for (const mailbox of exchange.mailboxes) {
    // Dovecot's default auth_username_format %Lu lowercases the login name used for %u.
    const mailboxDir = join(root, mailbox.address.toLowerCase());
    for (const folder of mailbox.folders) {
      const dir = folderDir(mailboxDir, folder);
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
      if (dir !== mailboxDir) writeFileSync(join(dir, 'maildirfolder'), '');
      folder.messages.forEach((m, i) => {
        const date = new Date(now - m.receivedMinutesAgo * 60_000);
        const seconds = Math.floor(date.getTime() / 1000);
        // <secs>.M<usecs>P<pid>.<host>: unique per message and ordered by arrival.
        const base = `${seconds}.M${String(i).padStart(6, '0')}P${process.pid}.mailbox-health`;
        const file = m.seen ? join(dir, 'cur', `${base}:2,S`) : join(dir, 'new', base);
        writeFileSync(file, message(mailbox.address, i, date));
        utimesSync(file, date, date);
      });
    }
  }
}
