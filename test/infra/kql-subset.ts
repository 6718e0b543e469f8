/**
 * A model of Kusto, not a Kusto engine: a small evaluator for the subset of KQL the alert rules
 * and workbook use, so the tests can see which rows a query selects from telemetry a real reporter
 * run sent. Whether a query is valid Kusto at all is the official language service's call
 * (kql-language.test.ts); this model only answers "which rows", and throws on anything outside
 * its subset instead of guessing.
 *
 * Rows are typed as the classic Application Insights schema stores them (app-insights-schema.ts):
 * `success` is the string "1"/"0", not a bool; customDimensions and customMeasurements are bags.
 * Like Kusto, the model refuses to compare a string with a number or a bool, so a query that only
 * works on the wrong type (`success == false`) fails here too.
 *
 * Subset: tables availabilityResults and customEvents; stages where, extend, project, summarize
 * (count, arg_max, avg, min, percentile; by keys incl. bin), order by; functions tostring, todouble,
 * toint, ago, bin, iff, isempty; operators == != < <= > >= startswith and or, and a constant times a value;
 * names plain or bracketed (`['kind']`).
 */
import type { Envelope } from '../../sim/ingestion-server';

export type Row = Record<string, unknown>;
type Token = { kind: 'id' | 'str' | 'num' | 'op'; text: string };
type Expr =
  | { kind: 'lit'; value: unknown }
  | { kind: 'col'; path: string[] }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'bin'; op: string; left: Expr; right: Expr }
  | { kind: 'star' };

const TIMESPAN = /^(\d+)(d|h|m|s)$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|"((?:[^"\\]|\\.)*)"|(\d+(?:\.\d+)?[dhms]?)\b|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|[<>=(),.*])|\['([^']+)'\]/y;
  let match: RegExpExecArray | null;
  let index = 0;
  while (index < text.length) {
    re.lastIndex = index;
    match = re.exec(text);
    if (!match) throw new Error(`KQL subset: cannot read ${JSON.stringify(text.slice(index, index + 20))}`);
    index = re.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'str', text: JSON.parse(`"${match[1]}"`) });
    else if (match[2] !== undefined) tokens.push({ kind: 'num', text: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: 'id', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'op', text: match[4] });
    else if (match[5] !== undefined) tokens.push({ kind: 'id', text: match[5] }); // ['kind']: a keyword as a name
  }
  return tokens;
}

class Reader {
  constructor(private tokens: Token[], public pos = 0) {}
  peek(): Token | undefined { return this.tokens[this.pos]; }
  next(): Token { const t = this.tokens[this.pos++]; if (!t) throw new Error('KQL subset: unexpected end'); return t; }
  accept(text: string): boolean { if (this.peek()?.text === text) { this.pos++; return true; } return false; }
  expect(text: string): void { if (!this.accept(text)) throw new Error(`KQL subset: expected ${text}, got ${this.peek()?.text}`); }
  done(): boolean { return this.pos >= this.tokens.length; }

  expr(): Expr { let left = this.and(); while (this.accept('or')) left = { kind: 'bin', op: 'or', left, right: this.and() }; return left; }
  and(): Expr { let left = this.cmp(); while (this.accept('and')) left = { kind: 'bin', op: 'and', left, right: this.cmp() }; return left; }
  cmp(): Expr {
    const left = this.mul();
    const op = this.peek()?.text;
    if (op && ['==', '!=', '<', '<=', '>', '>=', 'startswith'].includes(op)) { this.pos++; return { kind: 'bin', op, left, right: this.mul() }; }
    return left;
  }
  mul(): Expr { let left = this.primary(); while (this.accept('*')) left = { kind: 'bin', op: '*', left, right: this.primary() }; return left; }
  primary(): Expr {
    const t = this.next();
    if (t.kind === 'str') return { kind: 'lit', value: t.text };
    if (t.kind === 'num') return { kind: 'lit', value: TIMESPAN.test(t.text) ? t.text : Number(t.text) };
    if (t.text === '*') return { kind: 'star' };
    if (t.text === '(') { const e = this.expr(); this.expect(')'); return e; }
    if (t.kind !== 'id') throw new Error(`KQL subset: unexpected ${t.text}`);
    if (t.text === 'true' || t.text === 'false') return { kind: 'lit', value: t.text === 'true' };
    if (this.accept('(')) {
      const args: Expr[] = [];
      if (!this.accept(')')) { do args.push(this.expr()); while (this.accept(',')); this.expect(')'); }
      return { kind: 'call', name: t.text, args };
    }
    const path = [t.text];
    while (this.accept('.')) path.push(this.next().text);
    return { kind: 'col', path };
  }
  /** `alias = expr` or `expr` (a column keeps its name). */
  named(): { name: string; expr: Expr } {
    const t = this.peek();
    if (t?.kind === 'id' && this.tokens[this.pos + 1]?.text === '=') { this.pos += 2; return { name: t.text, expr: this.expr() }; }
    const expr = this.expr();
    return { name: expr.kind === 'col' ? expr.path.at(-1)! : `Column${this.pos}`, expr };
  }
  list(): { name: string; expr: Expr }[] { const out = [this.named()]; while (this.accept(',')) out.push(this.named()); return out; }
}

const ms = (span: string) => { const [, n, unit] = TIMESPAN.exec(span)!; return Number(n) * { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[unit as 'd']; };
// todouble(): a bool is 1/0, what does not read as a number is null (Kusto's to*() never throw).
const num = (v: unknown) => { if (typeof v === 'boolean') return v ? 1 : 0; if (v === undefined || v === null || v === '') return null; const n = Number(v); return Number.isNaN(n) ? null : n; };

function evaluate(e: Expr, row: Row, now: number): unknown {
  switch (e.kind) {
    case 'lit': return e.value;
    case 'star': return row;
    case 'col': return e.path.reduce<unknown>((v, key) => (v as Row | undefined)?.[key], row);
    case 'call': {
      const a = e.args.map((x) => evaluate(x, row, now));
      if (e.name === 'tostring') return a[0] === undefined || a[0] === null ? '' : String(a[0]);
      if (e.name === 'todouble') return num(a[0]);
      if (e.name === 'isempty') return a[0] === undefined || a[0] === null || a[0] === '';
      if (e.name === 'iff') return a[0] === true ? a[1] : a[2];
      if (e.name === 'toint') { const n = num(a[0]); return n === null ? null : Math.trunc(n); }
      if (e.name === 'ago') return new Date(now - ms(String(a[0]))).toISOString();
      if (e.name === 'bin') return new Date(Math.floor(Date.parse(String(a[0])) / ms(String(a[1]))) * ms(String(a[1]))).toISOString();
      throw new Error(`KQL subset: no function ${e.name}`);
    }
    case 'bin': {
      const l = evaluate(e.left, row, now);
      const r = evaluate(e.right, row, now);
      if (e.op === 'and') return Boolean(l) && Boolean(r);
      if (e.op === 'or') return Boolean(l) || Boolean(r);
      if (e.op === '*') return num(l) === null || num(r) === null ? null : num(l)! * num(r)!;
      if (e.op === 'startswith') return String(l ?? '').toLowerCase().startsWith(String(r).toLowerCase());
      if (l === null || l === undefined || r === null || r === undefined) return false;
      // Kusto converts neither side: a string against a number or bool is the query's bug.
      if ((typeof l === 'string') !== (typeof r === 'string')) throw new Error(`KQL subset: ${JSON.stringify(l)} ${e.op} ${JSON.stringify(r)} compares a string with a ${typeof (typeof l === 'string' ? r : l)}`);
      const [x, y] = typeof l === 'number' || typeof r === 'number' ? [Number(l), Number(r)] : [String(l), String(r)];
      return { '==': x === y, '!=': x !== y, '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y }[e.op];
    }
  }
}

function aggregate(name: string, expr: Expr, rows: Row[], now: number): Row {
  // `100.0 * avg(x)`: a constant times an aggregation.
  if (expr.kind === 'bin' && expr.op === '*' && expr.left.kind === 'lit') {
    const value = aggregate(name, expr.right, rows, now)[name];
    return { [name]: value === null ? null : Number(expr.left.value) * Number(value) };
  }
  if (expr.kind !== 'call') throw new Error(`KQL subset: ${name} is not an aggregation`);
  const values = (i: number) => rows.map((r) => num(evaluate(expr.args[i], r, now))).filter((v): v is number => v !== null);
  if (expr.name === 'count') return { [name]: rows.length };
  // min() of numbers or of ISO timestamps (which order as their text does).
  if (expr.name === 'min') {
    const v = rows.map((r) => evaluate(expr.args[0], r, now)).filter((x) => x !== null && x !== undefined && x !== '') as (number | string)[];
    return { [name]: v.length ? v.reduce((a, b) => (b < a ? b : a)) : null };
  }
  if (expr.name === 'avg') { const v = values(0); return { [name]: v.length ? v.reduce((s, x) => s + x, 0) / v.length : null }; }
  if (expr.name === 'percentile') {
    const v = values(0).sort((a, b) => a - b);
    return { [name]: v.length ? v[Math.min(v.length - 1, Math.ceil((Number(evaluate(expr.args[1], {}, now)) / 100) * v.length) - 1)] : null };
  }
  if (expr.name === 'arg_max') {
    const best = rows.reduce((a, b) => (String(evaluate(expr.args[0], b, now)) > String(evaluate(expr.args[0], a, now)) ? b : a));
    const out: Row = {};
    for (const arg of expr.args) {
      if (arg.kind === 'star') Object.assign(out, best);
      else if (arg.kind === 'col') out[arg.path.at(-1)!] = evaluate(arg, best, now);
      else throw new Error('KQL subset: arg_max takes columns');
    }
    return out;
  }
  throw new Error(`KQL subset: no aggregation ${expr.name}`);
}

/** Splits at top-level pipes, after dropping // comments. */
function stages(query: string): string[] {
  return query.replace(/\/\/.*$/gm, '').split(/\|(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((s) => s.trim()).filter(Boolean);
}

export function runKql(query: string, tables: Record<string, Row[]>, now = Date.now()): Row[] {
  const [source, ...rest] = stages(query);
  if (!(source in tables)) throw new Error(`KQL subset: no table ${source}`);
  let rows = tables[source].map((r) => ({ ...r }));
  for (const stage of rest) {
    const [, keyword, body] = /^(where|extend|project|summarize|order by)\s+([\s\S]*)$/.exec(stage) ?? [];
    if (!keyword) throw new Error(`KQL subset: no stage ${stage.split(/\s/)[0]}`);
    const reader = new Reader(tokenize(body));
    if (keyword === 'where') {
      const e = reader.expr();
      rows = rows.filter((r) => evaluate(e, r, now) === true);
    } else if (keyword === 'extend' || keyword === 'project') {
      const items = reader.list();
      rows = rows.map((r) => Object.assign(keyword === 'extend' ? r : {}, Object.fromEntries(items.map((i) => [i.name, evaluate(i.expr, r, now)]))));
    } else if (keyword === 'summarize') {
      const aggs = [reader.named()];
      while (reader.peek()?.text !== 'by' && reader.accept(',')) aggs.push(reader.named());
      const keys = reader.accept('by') ? reader.list() : [];
      const groups = new Map<string, Row[]>();
      for (const r of rows) { const k = JSON.stringify(keys.map((key) => evaluate(key.expr, r, now))); groups.set(k, [...(groups.get(k) ?? []), r]); }
      if (keys.length === 0 && groups.size === 0) groups.set('[]', []);
      rows = [...groups.entries()].map(([k, members]) => {
        const out: Row = Object.fromEntries(keys.map((key, i) => [key.name, JSON.parse(k)[i]]));
        for (const agg of aggs) Object.assign(out, aggregate(agg.name, agg.expr, members, now));
        return out;
      });
    } else {
      const column = reader.next().text;
      const descending = !reader.accept('asc');
      rows.sort((a, b) => { const x = a[column] as number; const y = b[column] as number; return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1); });
    }
    if (!reader.done() && keyword !== 'order by') throw new Error(`KQL subset: did not understand ${stage}`);
  }
  return rows;
}

/**
 * Rows of availabilityResults and customEvents as Application Insights stores the envelopes, typed
 * as the classic schema documents: the SDK's bool `success` is the string "1" or "0".
 */
export function tablesFrom(envelopes: Envelope[]): Record<string, Row[]> {
  const row = (e: Envelope) => ({ timestamp: e.time, name: e.data.baseData.name, customDimensions: e.data.baseData.properties ?? {}, customMeasurements: e.data.baseData.measurements ?? {} });
  return {
    availabilityResults: envelopes.filter((e) => e.data.baseType === 'AvailabilityData').map((e) => ({ ...row(e), success: e.data.baseData.success ? '1' : '0', message: e.data.baseData.message })),
    customEvents: envelopes.filter((e) => e.data.baseType === 'EventData').map(row),
  };
}
