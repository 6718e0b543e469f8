/**
 * Checks across fields (references, uniqueness, where the vault is). They run on the raw input
 * even when the shape has errors, so one validation reports every problem at once.
 */
import type { ConfigProblem } from './config-error';
import { excerpt } from './fields';

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function crossCheck(raw: unknown): ConfigProblem[] {
  if (!isObject(raw)) return [];
  const problems: ConfigProblem[] = [];
  const appIds = new Map<string, number>();
  list(raw.apps).forEach((app, index) => {
    if (!isObject(app)) return;
    if (typeof app.id === 'string') {
      if (appIds.has(app.id)) problems.push({ path: `$.apps[${index}].id`, message: `duplicate app id "${excerpt(app.id)}" (also $.apps[${appIds.get(app.id)}])` });
      else appIds.set(app.id, index);
    }
    const credential = app.credential;
    if (isObject(credential) && ('keyVaultSecret' in credential || 'keyVaultCertificate' in credential) && !credential.keyVaultUrl && !raw.keyVaultUrl) {
      problems.push({ path: `$.apps[${index}].credential.keyVaultUrl`, message: 'is required: set it here or set the top-level keyVaultUrl' });
    }
  });
  const mailboxIds = new Map<string, number>();
  list(raw.mailboxes).forEach((mailbox, index) => {
    if (!isObject(mailbox)) return;
    if (typeof mailbox.id === 'string') {
      if (mailboxIds.has(mailbox.id)) problems.push({ path: `$.mailboxes[${index}].id`, message: `duplicate mailbox id "${excerpt(mailbox.id)}" (also $.mailboxes[${mailboxIds.get(mailbox.id)}])` });
      else mailboxIds.set(mailbox.id, index);
    }
    // With no app list at all, that one problem is enough: not one more per mailbox.
    if (typeof mailbox.app === 'string' && appIds.size > 0 && !appIds.has(mailbox.app)) {
      const known = [...appIds.keys()];
      problems.push({ path: `$.mailboxes[${index}].app`, message: `names app "${excerpt(mailbox.app)}", which is not in $.apps${known.length ? ` (known: ${someOf(known)})` : ''}` });
    }
  });
  return problems;
}

/** The first few of a list, and how many more: a message stays one readable line. */
export function someOf(items: string[], max = 10): string {
  const shown = items.slice(0, max).map((item) => excerpt(item)).join(', ');
  return items.length > max ? `${shown} …and ${(items.length - max).toLocaleString('en-US')} more` : shown;
}
