/**
 * The official Kusto language service (`@kusto/language-service-next`: Kusto.Language, Microsoft's
 * own parser and binder, compiled to JavaScript with Bridge.NET) loaded for the tests: a query is
 * parsed and bound against table symbols of our own (app-insights-schema.ts), so an unknown table,
 * column or function, a keyword used as a name, or an operator applied to the wrong types is an
 * Error diagnostic with its code (KSxxx), as the Logs blade would show it.
 *
 * The package is two browser scripts, not a module: `bridge.js` (the .NET runtime) then
 * `Kusto.Language.Bridge.js`, each defining globals (`Bridge`, `Kusto`). Loading takes ~1.5 s, so
 * it happens once per jest worker, on first use. Its typings describe the whole .NET API; the few
 * members used here are typed locally instead (docs/SDK-FACTS.md, "Kusto language service").
 */

/** A node of the syntax tree, with the binder's answers (what the code here reads of it). */
export interface KustoNode {
  Kind: number;
  TextStart: number;
  Width: number;
  Parent: KustoNode | null;
  /** Type of an expression after binding (null for non-expressions). */
  ResultType: { Name: string } | null;
  /** Table, column, function… the name refers to, after binding. */
  ReferencedSymbol: { Name: string; Kind: number } | null;
  /** Value of a literal expression (the unquoted string of a string literal). */
  LiteralValue: unknown;
  /** NameReference: the name, brackets and quotes removed. */
  SimpleName?: string;
  /** PathExpression / ElementExpression / BinaryExpression parts. */
  Expression?: KustoNode | null;
  Selector?: KustoNode | null;
  Left?: KustoNode | null;
  Right?: KustoNode | null;
  /** PipeExpression: the operator on the right of the pipe. */
  Operator?: KustoNode | null;
  ToString(): string;
}

interface KustoDiagnostic { Code: string; Severity: string; Message: string; Start: number; Length: number }
interface KustoCodeObject { Syntax: KustoNode; GetDiagnostics(): { Count: number; getItem(i: number): KustoDiagnostic } }

interface KustoLanguage {
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): KustoCodeObject };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    ColumnSymbol: new (name: string, type: unknown, description: string | null, originalColumns: null, source: null, examples: null) => unknown;
    TableSymbol: { $ctor4: new (name: string, columns: unknown[]) => unknown };
    DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
    ScalarTypes: { GetSymbol(name: string): unknown };
    SymbolKind: Record<string, number>;
  };
  Syntax: {
    SyntaxKind: Record<string, number>;
    SyntaxElement: { WalkNodes(root: KustoNode, before: (node: KustoNode) => void): void };
  };
}

let language: KustoLanguage | undefined;

/** Kusto.Language, loaded once. */
export function kusto(): KustoLanguage {
  if (!language) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@kusto/language-service-next/bridge.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  return language;
}

export type Schema = Record<string, Record<string, string>>;

const globalsBySchema = new WeakMap<Schema, unknown>();

/**
 * The global state with one database holding `schema`'s tables. Columns are built as symbols,
 * not from a `(name:type, …)` schema string, where names such as `type` or `source` would need
 * `['…']` brackets.
 */
function globalsFor(schema: Schema): unknown {
  let globals = globalsBySchema.get(schema);
  if (!globals) {
    const K = kusto();
    const tables = Object.entries(schema).map(([table, columns]) => {
      const symbols = Object.entries(columns).map(([name, type]) => {
        const scalar = K.Symbols.ScalarTypes.GetSymbol(type);
        if (!scalar) throw new Error(`${table}.${name}: no Kusto type ${type}`);
        return new K.Symbols.ColumnSymbol(name, scalar, null, null, null, null);
      });
      return new K.Symbols.TableSymbol.$ctor4(table, symbols);
    });
    globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor('applicationinsights', tables));
    globalsBySchema.set(schema, globals);
  }
  return globals;
}

export interface Diagnostic {
  code: string;
  severity: string;
  message: string;
  /** 1-based line and column of the diagnostic's start. */
  line: number;
  column: number;
  /** The text it points at. */
  text: string;
}

export interface Analysis {
  syntax: KustoNode;
  diagnostics: Diagnostic[];
}

/** Parses and binds `text` against `schema`. */
export function analyze(text: string, schema: Schema): Analysis {
  const code = kusto().KustoCode.ParseAndAnalyze(text, globalsFor(schema));
  const found = code.GetDiagnostics();
  const diagnostics: Diagnostic[] = [];
  for (let i = 0; i < found.Count; i++) {
    const d = found.getItem(i);
    const before = text.slice(0, d.Start).split('\n');
    diagnostics.push({ code: d.Code, severity: d.Severity, message: d.Message, line: before.length, column: before.at(-1)!.length + 1, text: text.substr(d.Start, d.Length) });
  }
  return { syntax: code.Syntax, diagnostics };
}

/** The Error diagnostics of `text`, one readable line each: `<label> <line>:<col> KSxxx message («text»)`. */
export function errorsIn(label: string, text: string, schema: Schema): string[] {
  return analyze(text, schema).diagnostics
    .filter((d) => d.severity === 'Error')
    .map((d) => `${label} ${d.line}:${d.column} ${d.code} ${d.message} («${d.text}»)`);
}

/** Every node of the tree, depth first. */
export function nodesOf(root: KustoNode): KustoNode[] {
  const nodes: KustoNode[] = [];
  kusto().Syntax.SyntaxElement.WalkNodes(root, (n) => nodes.push(n));
  return nodes;
}

/** The SyntaxKind name of a node (`EqualExpression`, `PathExpression`, …). */
export function kindOf(node: KustoNode): string {
  return syntaxKindNames()[node.Kind] ?? String(node.Kind);
}

let kindNames: Record<number, string> | undefined;
function syntaxKindNames(): Record<number, string> {
  kindNames ??= Object.fromEntries(Object.entries(kusto().Syntax.SyntaxKind).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k]));
  return kindNames;
}

/** The symbol kind name of what a name refers to (`Table`, `Column`, `Function`, …), if bound. */
export function symbolKindOf(node: KustoNode): string | undefined {
  const symbol = node.ReferencedSymbol;
  if (!symbol) return undefined;
  return Object.entries(kusto().Symbols.SymbolKind).find(([, v]) => v === symbol.Kind)?.[0];
}
