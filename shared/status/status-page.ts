/**
 * The operators' status page (`GET /api/status`): one self-contained HTML document rendered from
 * the stored state, for people without Azure portal access (LogicalDOC admins, help desk). No
 * external assets, no framework; it works without JavaScript (a small inline script adds a
 * filter). Failed mailboxes first, each with code, remedy, last check, a 24-hour strip and the
 * secret's countdown; the fleet summarised at the top; readable on a phone.
 *
 * Everything printed is escaped: addresses, ids and server messages come from outside. The page
 * is built for 1,000 mailboxes in well under 300 KB: closing tags HTML lets us omit are omitted,
 * strips are run-length encoded, and only failed and degraded rows carry their remedy.
 */
import { createHash } from 'node:crypto';
import { hourOf, secretDaysLeft, stripAt, STRIP_HOURS, type LatestRow, type StoredStatus } from '../state/mailbox-state';

export interface PageMailbox {
  id: string;
  address: string;
  app: string;
}

export interface PageOptions {
  now?: Date;
  /** Secret countdowns below this many days are highlighted (thresholds.secretExpiryDays). */
  secretExpiryDays?: number;
  /** A last check older than this is flagged stale: the monitor may have stopped. */
  staleMinutes?: number;
  title?: string;
}

type Shown = StoredStatus | 'never';

const ORDER: Shown[] = ['failed', 'not-checked', 'never', 'degraded', 'ok'];
const LABEL: Record<Shown, string> = { failed: 'Failed', 'not-checked': 'Not checked', never: 'Never checked', degraded: 'Degraded', ok: 'OK' };
const CELL_TEXT: Record<string, string> = { '.': 'no check', n: 'not checked', o: 'ok', d: 'degraded', f: 'failed' };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text and attribute values alike (every attribute below is quoted). */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `
:root{--f:#b3261e;--d:#8a5a00;--o:#1e7b34;--n:#5b5b66;--b:#d8d8de;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c21;background:#fafafa}
body{margin:0 auto;max-width:1100px;padding:12px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}
.sum{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.sum b{display:block;font-size:1.6em}
.sum div{background:#fff;border:1px solid var(--b);border-radius:6px;padding:6px 12px;min-width:90px}
.sum .failed b,.failed .st{color:var(--f)}.sum .degraded b,.degraded .st{color:var(--d)}.sum .ok b,.ok .st{color:var(--o)}
.sum .not-checked b,.sum .never b,.not-checked .st,.never .st{color:var(--n)}
ul{list-style:none;padding:0;margin:0}
li{background:#fff;border:1px solid var(--b);border-left:5px solid var(--o);border-radius:4px;margin:4px 0;padding:6px 10px;display:grid;grid-template-columns:minmax(0,2.2fr) minmax(0,1.6fr) 150px 170px 80px;gap:4px 12px;align-items:center}
li.failed{border-left-color:var(--f)}li.degraded{border-left-color:var(--d)}li.not-checked,li.never{border-left-color:var(--n)}
.id{font-weight:600;overflow-wrap:anywhere}.a{color:#55555f;font-size:.9em;overflow-wrap:anywhere}
.st{font-weight:600;font-size:.9em}.c{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.m,.x{grid-column:1/-1;overflow-wrap:anywhere;font-size:.92em}
.x{white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;background:#f3f3f6;border-radius:4px;padding:6px;margin:0}
.t{font-size:.9em}.stale{color:var(--f);font-weight:600}
.s{display:flex;height:14px;border:1px solid var(--b);border-radius:3px;overflow:hidden}
.s i{display:block;height:100%}.s i.o{background:var(--o)}.s i.d{background:#e0a100}.s i.f{background:var(--f)}.s i.n{background:#9a9aa6}.s i.e{background:#ececf0}
.k{font-size:.9em;text-align:right}.k.w{color:var(--f);font-weight:600}
table{border-collapse:collapse;background:#fff;width:100%}td,th{border:1px solid var(--b);padding:4px 8px;text-align:left;font-size:.92em}
#f{margin:8px 0}#f input{font:inherit;padding:6px;width:min(420px,100%)}
@media (max-width:720px){li{grid-template-columns:1fr 1fr}.k{text-align:left}}
`;

/** The filter: hides rows that do not contain the typed text; the page is complete without it. */
const SCRIPT = `const f=document.getElementById('f'),q=document.getElementById('q');f.hidden=false;q.addEventListener('input',()=>{const t=q.value.toLowerCase();for(const li of document.querySelectorAll('li[data-k]'))li.hidden=t!==''&&!li.dataset.k.includes(t)})`;

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
  const label = runs.map(([cell, n]) => `${n} h ${CELL_TEXT[cell]}`).join(', ');
  const html = runs.map(([cell, n]) => `<i class="${cell === '.' ? 'e' : cell}" style="flex:${n}"></i>`).join('');
  return `<div class="s" role="img" aria-label="last 24 h, oldest first: ${label}" title="last 24 h, oldest first: ${label}" data-cells="${cells}">${html}</div>`;
}

function secretCell(row: LatestRow | undefined, nowMs: number, warnDays: number): string {
  const days = row ? secretDaysLeft(row, nowMs) : undefined;
  if (days === undefined) {
    if (row?.warningCodes.includes('SECRET_NO_EXPIRY')) return '<div class="k w" title="the vault secret has no expiry date">no expiry</div>';
    return `<div class="k" title="no expiry warning: more than ${warnDays} days, or not read from Key Vault">—</div>`;
  }
  const text = days < 0 ? `expired ${-days} d ago` : `secret ${days} d`;
  return `<div class="k${days < warnDays ? ' w' : ''}" title="vault secret expires ${esc(row!.secretExpiresOn)}">${text}</div>`;
}

function item(mailbox: PageMailbox, row: LatestRow | undefined, shown: Shown, nowMs: number, options: Required<Omit<PageOptions, 'now' | 'title'>>): string {
  const parts: string[] = [];
  const key = `${mailbox.id} ${mailbox.address} ${mailbox.app} ${row?.code ?? ''} ${shown}`.toLowerCase();
  parts.push(`<li class="${shown}" data-k="${esc(key)}"><div><div class="id">${esc(mailbox.id)}</div><div class="a">${esc(mailbox.address)} · app ${esc(mailbox.app)}</div></div>`);
  let what = `<span class="st">${LABEL[shown]}</span>`;
  if (row?.code && shown !== 'ok') what += ` <span class="c">${esc(row.code)}${row.phase ? ` (${esc(row.phase)})` : ''}</span>`;
  else if (row?.warningCodes && shown === 'degraded') what += ` <span class="c">${esc(row.warningCodes.replace(/,/g, ', '))}</span>`;
  if (row?.since && shown !== 'ok' && shown !== 'never') what += `<div class="t">since ${ago(Date.parse(row.since), nowMs)}</div>`;
  parts.push(`<div>${what}</div>`);
  if (row?.checkedAt) {
    const at = Date.parse(row.checkedAt);
    const stale = nowMs - at > options.staleMinutes * 60_000;
    parts.push(`<div class="t${stale ? ' stale' : ''}"><time datetime="${esc(row.checkedAt)}" title="${esc(row.checkedAt)}">${stale ? 'stale: ' : ''}checked ${ago(at, nowMs)}</time></div>`);
  } else {
    parts.push('<div class="t">not checked yet</div>');
  }
  parts.push(strip(row, hourOf(nowMs)));
  parts.push(secretCell(row, nowMs, options.secretExpiryDays));
  if (shown === 'not-checked' && row?.notCheckedReason) parts.push(`<div class="m">${esc(row.notCheckedReason)}</div>`);
  if ((shown === 'failed' || shown === 'degraded' || shown === 'not-checked') && row?.message) parts.push(`<div class="m">${esc(row.message)}</div>`);
  if ((shown === 'failed' || shown === 'degraded') && row?.remedy) parts.push(`<pre class="x">${esc(row.remedy)}</pre>`);
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

export function renderStatusPage(mailboxes: PageMailbox[], storedRows: LatestRow[], options: PageOptions = {}): string {
  const now = options.now ?? new Date();
  const nowMs = now.getTime();
  const opts = { secretExpiryDays: options.secretExpiryDays ?? 30, staleMinutes: options.staleMinutes ?? 60 };
  const rows = new Map(storedRows.map((row) => [row.mailbox, row]));
  const configured = new Set(mailboxes.map((m) => m.id));
  // Mailboxes still in state but gone from the config: listed last, until the purge removes them.
  const former = storedRows.filter((row) => !configured.has(row.mailbox)).map((row) => ({ id: row.mailbox, address: row.address, app: row.app }));
  const groups = new Map<Shown, string[]>(ORDER.map((s) => [s, []]));
  const ids = (list: PageMailbox[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  let stale = 0;
  for (const mailbox of ids(mailboxes)) {
    const row = rows.get(mailbox.id);
    const shown: Shown = row ? row.status : 'never';
    if (row?.checkedAt && nowMs - Date.parse(row.checkedAt) > opts.staleMinutes * 60_000) stale++;
    groups.get(shown)!.push(item(mailbox, row, shown, nowMs, opts));
  }
  const title = esc(options.title ?? 'Mailbox health');
  const summary = ORDER.map((s) => `<div class="${s}"><b>${groups.get(s)!.length}</b>${LABEL[s]}</div>`).join('');
  const sections = ORDER.filter((s) => groups.get(s)!.length > 0)
    .map((s) => `<h2>${LABEL[s]} (${groups.get(s)!.length})</h2><ul>${groups.get(s)!.join('')}</ul>`)
    .join('');
  const formerHtml = former.length
    ? `<h2>No longer configured (${former.length})</h2><ul>${ids(former)
        .map((m) => item(m, rows.get(m.id), rows.get(m.id)!.status, nowMs, opts))
        .join('')}</ul>`
    : '';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">',
    `<title>${title}</title><style>${STYLE}</style></head><body>`,
    `<h1>${title}</h1><p class="t">${mailboxes.length} mailboxes · generated <time datetime="${now.toISOString()}">${now.toISOString().replace('T', ' ').slice(0, 16)} UTC</time>${stale ? ` · <span class="stale">${stale} not checked for over ${opts.staleMinutes} min</span>` : ''}</p>`,
    `<div class="sum">${summary}</div>`,
    '<div id="f" hidden><input id="q" type="search" placeholder="Filter: id, address, app, code…" aria-label="Filter mailboxes"></div>',
    sections,
    formerHtml,
    `<h2>Secrets</h2>${secretsTable(mailboxes, rows, nowMs, opts.secretExpiryDays)}`,
    `<script>${SCRIPT}</script></body></html>`,
  ].join('');
}
