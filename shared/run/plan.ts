/**
 * The plan: the validated config resolved into one fully specified check per mailbox (cloud
 * endpoints, host/port/folder defaults, secret location, thresholds). Everything after the plan
 * reads only the plan.
 */
import { CLOUDS, type CloudEndpoints } from '../config/clouds';
import type { AppConfig, Config } from '../config/schema';
import type { MaintenanceWindow } from '../config/maintenance-schema';
import { someOf } from '../config/cross-checks';
import { excerpt } from '../config/fields';
import { secretLocation, type SecretLocation } from '../credentials/secret';

/** A requested mailbox id (CLI --mailbox, HTTP ?mailbox=) that the config does not have. */
export class UnknownMailboxError extends Error {
  override readonly name = 'UnknownMailboxError';
  constructor(
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(`no such mailbox id in the config: ${someOf(unknown, 5)} (known: ${someOf(known)})`);
  }

  /** The same shape as a configuration error (CONFIG_INVALID): what was asked names no mailbox. */
  failure(parameter: string) {
    const message = `${parameter}: ${this.message}`;
    return {
      code: 'CONFIG_INVALID' as const,
      phase: 'config' as const,
      kind: 'config' as const,
      message,
      remedy: "Ask only for ids listed in the configuration's mailboxes[].id (the message names some), or add the mailbox to the configuration.",
      problems: this.unknown.slice(0, 20).map((id) => ({ path: parameter, message: `"${excerpt(id)}" is not a mailbox id in the configuration` })),
    };
  }
}

export interface AppPlan {
  id: string;
  tenantId: string;
  clientId: string;
  displayName: string;
  secret: SecretLocation;
}

export interface MailboxPlan {
  id: string;
  address: string;
  host: string;
  port: number;
  folder: string;
  app: AppPlan;
  backlogUnseen: number;
  backlogOldestMinutes: number;
  /** The mailbox's own maintenance windows and its app's (issue 20); empty when none. */
  maintenance: MaintenanceWindow[];
}

export interface RunPlan {
  cloud: CloudEndpoints;
  mailboxes: MailboxPlan[];
  thresholds: Config['thresholds'];
  timeouts: Config['timeouts'];
  concurrency: number;
  /** Change-only notifications; absent when the config has no `notify`. */
  notify?: Config['notify'];
  /** The top-level vault, for secrets the notifier reads (webhook URLs). */
  keyVaultUrl?: string;
}

export function resolveCloud(cloud: Config['cloud']): CloudEndpoints {
  if (typeof cloud === 'string') return CLOUDS[cloud];
  return {
    name: 'custom',
    authorityHost: cloud.authorityHost,
    imapResource: cloud.imapResource,
    imapHost: cloud.imapHost ?? new URL(cloud.imapResource).hostname,
    graphUrl: cloud.graphUrl ?? null,
    graphResource: cloud.graphResource ?? cloud.graphUrl ?? null,
  };
}

function appPlan(app: AppConfig, config: Config): AppPlan {
  return {
    id: app.id,
    tenantId: app.tenantId,
    clientId: app.clientId,
    displayName: app.displayName ?? app.id,
    secret: secretLocation(app.credential, config.keyVaultUrl),
  };
}

/** `only` narrows the run to some mailbox ids (the CLI's --mailbox); unknown ids are an error. */
export function planRun(config: Config, only: string[] = []): RunPlan {
  const cloud = resolveCloud(config.cloud);
  const apps = new Map(config.apps.map((app) => [app.id, appPlan(app, config)]));
  const appWindows = new Map(config.apps.map((app) => [app.id, app.maintenance ?? []]));
  const known = new Set(config.mailboxes.map((m) => m.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UnknownMailboxError(unknown, [...known]);
  const selected = only.length > 0 ? config.mailboxes.filter((m) => only.includes(m.id)) : config.mailboxes;
  return {
    cloud,
    thresholds: config.thresholds,
    timeouts: config.timeouts,
    concurrency: config.concurrency,
    ...(config.notify ? { notify: config.notify } : {}),
    ...(config.keyVaultUrl ? { keyVaultUrl: config.keyVaultUrl } : {}),
    mailboxes: selected.map((mailbox) => ({
      id: mailbox.id,
      address: mailbox.address,
      host: mailbox.host ?? config.defaults.host ?? cloud.imapHost,
      port: mailbox.port ?? config.defaults.port,
      folder: mailbox.folder ?? config.defaults.folder,
      app: apps.get(mailbox.app)!,
      backlogUnseen: mailbox.backlogUnseen ?? config.thresholds.backlogUnseen,
      backlogOldestMinutes: mailbox.backlogOldestMinutes ?? config.thresholds.backlogOldestMinutes,
      maintenance: [...(appWindows.get(mailbox.app) ?? []), ...(mailbox.maintenance ?? [])],
    })),
  };
}
