/**
 * The operators' status page (`GET /api/status`): one self-contained HTML document rendered from
 * the stored state, for people without Azure portal access (LogicalDOC admins, help desk). No
 * external assets, no framework; it works without JavaScript (a small inline script adds a
 * filter). Failed mailboxes first, each with code, remedy, last check, a 24-hour strip and the
 * secret's countdown; the fleet summarised at the top; readable on a phone.
 *
 * Everything printed is escaped: addresses, ids and server messages come from outside. The page
 * is built for 1,000 mailboxes in under 300 KB: closing tags HTML lets us omit are omitted, strips
 * are run-length encoded, and only failed and degraded rows carry a remedy, each distinct one once.
 */
import { createHash } from 'node:crypto';
import { inert } from '../diagnosis/outside-text';
import type { MaintenanceState } from '../contract/result';
import { hourOf, secretDaysLeft, stripAt, STRIP_HOURS, type LatestRow, type StoredStatus } from '../state/mailbox-state';
import { describeFigure, UPTIME_DEFINITION, type UptimeFigure } from '../state/uptime';
import type { MailboxUptime } from '../state/uptime-tally';
import { pageIncidents, type PageIncident } from './page-incidents';

export interface PageMailbox {
  id: string;
  address: string;
  app: string;
  /** The maintenance window in force now (from the config), if any (issue 20). */
  maintenance?: MaintenanceState;
  /** Otherwise the next window to begin within a day, announced on the page. */
  plannedMaintenance?: MaintenanceState & { startsAt: string };
}

export interface PageOptions {
  now?: Date;
  /** Secret countdowns below this many days are highlighted (thresholds.secretExpiryDays). */
  secretExpiryDays?: number;
  /** A last check older than this is flagged stale: the monitor may have stopped. */
  staleMinutes?: number;
  title?: string;
  /** Uptime per mailbox id from the rows' tallies (uptime-read.ts); without it the page has no uptime column. */
  uptime?: Map<string, MailboxUptime>;
  /** Why there is no uptime at all (HISTORY_DAYS not valid): said once at the top instead. */
  uptimeProblem?: string;
}

type Shown = StoredStatus | 'never' | 'unreadable';

const ORDER: Shown[] = ['failed', 'unreadable', 'not-checked', 'never', 'degraded', 'ok'];
const LABEL: Record<Shown, string> = { failed: 'Failed', unreadable: 'Unreadable state', 'not-checked': 'Not checked', never: 'Never checked', degraded: 'Degraded', ok: 'OK' };

/** A row that cannot be trusted is shown as that, one mailbox, never a broken page (#16.12). */
const shownOf = (row: LatestRow | undefined): Shown => (!row ? 'never' : row.unreadable ? 'unreadable' : row.status);
const CELL_TEXT: Record<string, string> = { '.': 'no data', n: 'not checked', o: 'ok', d: 'degraded', f: 'failed' };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/**
 * Text and attribute values alike (every attribute below is quoted). Control characters and
 * bidirectional overrides are written out too (outside-text.ts): HTML escaping alone lets U+202E
 * reverse what an operator reads.
 */
export const esc = (text: string): string => inert(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `
:root{--f:#b3261e;--d:#8a5a00;--o:#1e7b34;--n:#5b5b66;--b:#d8d8de;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c21;background:#fafafa}
body{margin:0 auto;max-width:1100px;padding:12px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}
.sum{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.sum b{display:block;font-size:1.6em}
.sum div{background:#fff;border:1px solid var(--b);border-radius:6px;padding:6px 12px;min-width:90px}
.sum .failed b,.failed .st,.sum .unreadable b,.unreadable .st{color:var(--f)}.sum .degraded b,.degraded .st{color:var(--d)}.sum .ok b,.ok .st{color:var(--o)}
.sum .not-checked b,.sum .never b,.not-checked .st,.never .st{color:var(--n)}.st code,.st .t{color:#1c1c21}
ul{list-style:none;padding:0;margin:0}
li{background:#fff;border:1px solid var(--b);border-left:5px solid var(--o);border-radius:4px;margin:4px 0;padding:6px 10px;display:grid;grid-template-columns:minmax(0,2.2fr) minmax(0,1.4fr) 100px 170px 150px 90px;gap:4px 12px;align-items:center}
li[hidden]{display:none}li.failed,li.unreadable{border-left-color:var(--f)}li.degraded{border-left-color:var(--d)}li.not-checked,li.never{border-left-color:var(--n)}
li p{margin:0;overflow-wrap:anywhere}li small{display:block;color:#55555f}
.st{font-weight:600;font-size:.9em}.st code,.st .t{font-weight:400}code{font-size:.9em}
li .m,li pre{grid-column:1/-1;overflow-wrap:anywhere;font-size:.92em}
pre{white-space:pre-wrap;font-size:.85em;background:#f3f3f6;border-radius:4px;padding:6px;margin:0}
time,.t{font-size:.9em}.stale{color:var(--f);font-weight:600}
.s{display:flex;height:14px;border:1px solid var(--b);border-radius:3px;overflow:hidden}
.s i{height:100%}.s.o,.s .o{background:var(--o)}.s.d{background:#e0a100}.s.f{background:var(--f)}.s.n{background:#9a9aa6}.s.e{background:#ececf0}.s .d{background:#e0a100}.s .f{background:var(--f)}.s .n{background:#9a9aa6}.s .e{background:#ececf0}
.k{font-size:.9em;text-align:right}.u{font-size:.85em;color:#33333b}.u strong{font-weight:600}.u span{white-space:nowrap}.u.unr{color:var(--f)}
.inc{background:#fdf0ef;border-left:4px solid var(--f);border-radius:4px;padding:6px 8px}.mw{grid-column:1/-1;font-size:.92em;background:#eef2fb;border-radius:4px;padding:4px 6px}li.maint{border-left-color:#3b5bab}.k.w{color:var(--f);font-weight:600}
table{border-collapse:collapse;background:#fff;width:100%}td,th{border:1px solid var(--b);padding:4px 8px;text-align:left;font-size:.92em}
#f{margin:8px 0}#f input{font:inherit;padding:6px;width:min(420px,100%)}
@media (max-width:720px){li{grid-template-columns:1fr 1fr}.k{text-align:left}}
`;

/** The filter: hides rows that do not contain the typed text; the page is complete without it. */
const SCRIPT = `const f=document.getElementById('f'),q=document.getElementById('q');f.hidden=false;q.addEventListener('input',()=>{const t=q.value.toLowerCase();for(const li of document.querySelectorAll('li'))li.hidden=t!==''&&!li.textContent.toLowerCase().includes(t)})`;

/** For the Content-Security-Policy header: only this script may run. */
export const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function ago(fromMs: number, nowMs: number): string {
  const minutes = Math.max(0, Math.round((nowMs - fromMs) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** The strip, runs of equal hours merged into one cell: a few elements per row, not 24. */
function strip(row: LatestRow | undefined, nowHour: number): string {
  const cells = row?.strip ? stripAt(row.strip, row.stripHour, nowHour) : '.'.repeat(STRIP_HOURS);
  const runs: [string, number][] = [];
  for (const cell of cells) {
    const last = runs.at(-1);
    if (last && last[0] === cell) last[1]++;
    else runs.push([cell, 1]);
  }
  const label = runs.map(([cell, n]) => `${n} ${CELL_TEXT[cell]}`).join(', ');
  const cls = (cell: string) => (cell === '.' ? 'e' : cell);
  // A day of one colour (most rows) needs no cells: the strip itself takes the colour.
  if (runs.length === 1) return `<p class="s ${cls(runs[0]![0])}" role=img aria-label="24 h: ${label}">`;
  return `<p class=s role=img aria-label="24 h: ${label}">${runs.map(([cell, n]) => `<i class=${cls(cell)} style=flex:${n}></i>`).join('')}`;
}

const utcTime = (iso: string) => `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').slice(0, 16))} UTC</time>`;

/** The three figures beside the strip; a figure over a shorter span than its window says so. */
function uptimeCell(uptime: MailboxUptime | undefined, enabled: boolean): string {
  if (!enabled) return '';
  // Not read for this row (a mailbox no longer configured): the cell stays, empty, so the grid holds.
  if (!uptime) return '<p class=u>';
  // A stored tally this code cannot read: this mailbox's figures only, the rest of the page stands.
  if ('unreadable' in uptime) return `<p class="u unr">${esc(uptime.unreadable)}`;
  // Each figure is kept on one line (the cell wraps only between figures, never inside "over 23 h").
  const one = (label: string, f: UptimeFigure) => `${label} <strong>${esc(describeFigure(f))}</strong>`;
  const keptDays = Math.round(uptime.kept.windowHours / 24);
  const parts = [one('24 h', uptime.day), one('7 d', uptime.week)];
  // With HISTORY_DAYS = 7 the kept history is the 7-day figure: not shown twice.
  if (keptDays !== 7) parts.push(one(`${keptDays} d kept`, uptime.kept));
  // The counts behind each figure are in `?source=stored`: the page stays small at 1,000 rows.
  // The separator starts the next figure's chunk, so a wrapped line never starts or ends with it alone.
  return `<p class=u>${parts.map((p, i) => `<span>${i ? '· ' : ''}${p}</span>`).join(' ')}`;
}

function secretCell(row: LatestRow | undefined, nowMs: number, warnDays: number): string {
  const days = row ? secretDaysLeft(row, nowMs) : undefined;
  // Unknown (no warning: more than the threshold away): nothing, the Secrets table says so per app.
  if (days === undefined) return row?.warningCodes.includes('SECRET_NO_EXPIRY') ? '<p class="k w">secret: no expiry' : '';
  return `<p class="k${days < warnDays ? ' w' : ''}">${days < 0 ? `secret expired ${-days} d ago` : `secret ${days} d`}`;
}

/**
 * One mailbox. HTML lets `</p>` and `</li>` be omitted: at 1,000 rows that is a tenth of the
 * page. A remedy identical to one already shown (an app-wide cause) links to it instead.
 */
type ItemOptions = { secretExpiryDays: number; staleMinutes: number; uptime?: Map<string, MailboxUptime> };

function item(mailbox: PageMailbox, row: LatestRow | undefined, shown: Shown, nowMs: number, options: ItemOptions, remedies: Map<string, string>): string {
  const anchor = `m-${encodeURIComponent(mailbox.id)}`;
  const withRemedy = (shown === 'failed' || shown === 'degraded') && row?.remedy ? row.remedy : '';
  const first = withRemedy && !remedies.has(withRemedy);
  if (first) remedies.set(withRemedy, anchor);
  const parts = [`<li class="${shown}${mailbox.maintenance ? ' maint' : ''}"${first ? ` id="${esc(anchor)}"` : ''}><p><b>${esc(mailbox.id)}</b> <small>${esc(mailbox.address)} · ${esc(mailbox.app)}</small>`];
  let what = `<p class=st>${LABEL[shown]}`;
  if (row?.code && shown !== 'ok') what += ` <code>${esc(row.code)}${row.phase ? ` (${esc(row.phase)})` : ''}</code>`;
  else if (row?.warningCodes && shown === 'degraded') what += ` <code>${esc(row.warningCodes.replace(/,/g, ', '))}</code>`;
  if (row?.since && shown !== 'ok' && shown !== 'never') what += ` <span class=t>since ${ago(Date.parse(row.since), nowMs)}</span>`;
  parts.push(what);
  if (row?.checkedAt) {
    const at = Date.parse(row.checkedAt);
    const stale = nowMs - at > options.staleMinutes * 60_000;
    parts.push(`<p><time${stale ? ' class=stale' : ''} datetime="${esc(row.checkedAt.replace(/\.\d{3}Z$/, 'Z'))}">${stale ? 'stale: ' : ''}${ago(at, nowMs)}</time>`);
  } else {
    parts.push('<p class=t>not checked yet');
  }
  parts.push(strip(row, hourOf(nowMs)), uptimeCell(options.uptime?.get(mailbox.id), options.uptime !== undefined), secretCell(row, nowMs, options.secretExpiryDays));
  if (mailbox.maintenance) {
    const until = mailbox.maintenance.endsAt;
    parts.push(`<p class=mw>In maintenance until ${utcTime(until)}: ${esc(mailbox.maintenance.reason)} — checks run, nobody is notified, uptime leaves them out`);
  } else if (mailbox.plannedMaintenance) {
    const planned = mailbox.plannedMaintenance;
    parts.push(`<p class=mw>Maintenance planned from ${utcTime(planned.startsAt)} to ${utcTime(planned.endsAt)}: ${esc(planned.reason)}`);
  }
  if (shown === 'unreadable') parts.push(`<p class=m>${esc(row!.unreadable!)}: the next check of this mailbox replaces the row`);
  if (shown === 'not-checked' && row?.notCheckedReason) parts.push(`<p class=m>${esc(row.notCheckedReason)}`);
  if ((shown === 'failed' || shown === 'degraded' || shown === 'not-checked') && row?.message) parts.push(`<p class=m>${esc(row.message)}`);
  if (first) parts.push(`<pre>${esc(withRemedy)}</pre>`);
  else if (withRemedy) parts.push(`<p class=m>Fix: the same as for <a href="#${esc(remedies.get(withRemedy)!)}">${esc(decodeURIComponent(remedies.get(withRemedy)!.slice(2)))}</a>`);
  return parts.join('');
}

/** Per app: the nearest secret expiry its mailboxes reported. */
function secretsTable(mailboxes: PageMailbox[], rows: Map<string, LatestRow>, nowMs: number, warnDays: number): string {
  const apps = new Map<string, { days?: number; expiresOn?: string; noExpiry: boolean; count: number }>();
  for (const mailbox of mailboxes) {
    const entry = apps.get(mailbox.app) ?? { noExpiry: false, count: 0 };
    entry.count++;
    const row = rows.get(mailbox.id);
    const days = row ? secretDaysLeft(row, nowMs) : undefined;
    if (days !== undefined && (entry.days === undefined || days < entry.days)) Object.assign(entry, { days, expiresOn: row!.secretExpiresOn });
    if (row?.warningCodes.includes('SECRET_NO_EXPIRY')) entry.noExpiry = true;
    apps.set(mailbox.app, entry);
  }
  const sorted = [...apps].sort(([a, x], [b, y]) => (x.days ?? Infinity) - (y.days ?? Infinity) || a.localeCompare(b));
  const body = sorted
    .map(([app, e]) => {
      const left = e.days !== undefined ? (e.days < 0 ? `expired ${-e.days} d ago` : `${e.days} d (${esc(e.expiresOn!.slice(0, 10))})`) : e.noExpiry ? 'no expiry date set' : `more than ${warnDays} d`;
      const warn = (e.days !== undefined && e.days < warnDays) || e.noExpiry;
      return `<tr><td>${esc(app)}<td${warn ? ' class="stale"' : ''}>${left}<td>${e.count}`;
    })
    .join('');
  return `<table><thead><tr><th>App<th>Secret expires in<th>Mailboxes</thead><tbody>${body}</tbody></table>`;
}

/** One line per Exchange Online incident the failures carry: wait for Microsoft, with the link. */
function incidentLines(incidents: PageIncident[]): string {
  return incidents
    .map((i) => `<p class="inc" id="incident-${esc(i.incidentId)}">Microsoft reports an active ${esc(i.message)}. ${i.mailboxes} failing mailbox(es) here look like it: wait for Microsoft rather than changing the configuration${i.url ? ` — <a href="${esc(i.url)}" rel="noreferrer">the incident in the Microsoft 365 admin center</a>` : ' (see Service health in your Microsoft 365 admin center)'}.</p>`)
    .join('');
}

export function renderStatusPage(mailboxes: PageMailbox[], storedRows: LatestRow[], options: PageOptions = {}): string {
  const now = options.now ?? new Date();
  const nowMs = now.getTime();
  const opts: ItemOptions = { secretExpiryDays: options.secretExpiryDays ?? 30, staleMinutes: options.staleMinutes ?? 60, ...(options.uptime ? { uptime: options.uptime } : {}) };
  const inMaintenance = mailboxes.filter((m) => m.maintenance).length;
  const rows = new Map(storedRows.map((row) => [row.mailbox, row]));
  const configured = new Set(mailboxes.map((m) => m.id));
  // Mailboxes still in state but gone from the config: listed last, until the purge removes them.
  const former = storedRows.filter((row) => !configured.has(row.mailbox)).map((row) => ({ id: row.mailbox, address: row.address, app: row.app }));
  const groups = new Map<Shown, string[]>(ORDER.map((s) => [s, []]));
  const remedies = new Map<string, string>();
  const ids = (list: PageMailbox[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  let stale = 0;
  for (const mailbox of ids(mailboxes)) {
    const row = rows.get(mailbox.id);
    const shown = shownOf(row);
    if (row?.checkedAt && nowMs - Date.parse(row.checkedAt) > opts.staleMinutes * 60_000) stale++;
    groups.get(shown)!.push(item(mailbox, row, shown, nowMs, opts, remedies));
  }
  const title = esc(options.title ?? 'Mailbox health');
  // Unreadable rows are an exception, not a state of the fleet: counted only when there are some.
  const summary = ORDER.filter((s) => s !== 'unreadable' || groups.get(s)!.length > 0)
    .map((s) => `<div class="${s}"><b>${groups.get(s)!.length}</b>${LABEL[s]}</div>`)
    .join('');
  const sections = ORDER.filter((s) => groups.get(s)!.length > 0)
    .map((s) => `<h2>${LABEL[s]} (${groups.get(s)!.length})</h2><ul>${groups.get(s)!.join('')}</ul>`)
    .join('');
  const formerHtml = former.length
    ? `<h2>No longer configured (${former.length})</h2><ul>${ids(former)
        .map((m) => item(m, rows.get(m.id), shownOf(rows.get(m.id)), nowMs, opts, remedies))
        .join('')}</ul>`
    : '';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">',
    `<title>${title}</title><style>${STYLE}</style></head><body>`,
    `<h1>${title}</h1><p class="t">${mailboxes.length} mailboxes · generated <time datetime="${now.toISOString()}">${now.toISOString().replace('T', ' ').slice(0, 16)} UTC</time>${stale ? ` · <span class="stale">${stale} not checked for over ${opts.staleMinutes} min</span>` : ''}${inMaintenance ? ` · ${inMaintenance} in maintenance` : ''}</p>`,
    options.uptime ? `<p class="t" id="uptime-def">Uptime: ${esc(UPTIME_DEFINITION)}. 24 h is the current UTC hour and the 24 before it, 7 d the current UTC day and the 7 before it; a figure over a shorter span than its window (counted only since then) says so.</p>` : '',
    options.uptimeProblem ? `<p class="t stale" id="uptime-def">Uptime unavailable: ${esc(options.uptimeProblem)}</p>` : '',
    incidentLines(pageIncidents(storedRows.filter((row) => configured.has(row.mailbox)))),
    `<div class="sum">${summary}</div>`,
    '<div id="f" hidden><input id="q" type="search" placeholder="Filter: id, address, app, code…" aria-label="Filter mailboxes"></div>',
    sections,
    formerHtml,
    `<h2>Secrets</h2>${secretsTable(mailboxes, rows, nowMs, opts.secretExpiryDays)}`,
    `<script>${SCRIPT}</script></body></html>`,
  ].join('');
}
