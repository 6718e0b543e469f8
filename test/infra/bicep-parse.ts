/**
 * Bicep parsed with the tree-sitter-bicep grammar: a syntax parse, not a compile (no Bicep
 * compiler installs here: docs/SDK-FACTS.md). It catches broken syntax and lets tests read
 * declarations (parameters, outputs, object literals); types, module parameters and API
 * versions are checked only by `azd provision --preview` / `az deployment ... what-if`.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { grammarParser } from './tree-sitter-grammar';

/** Every ERROR or MISSING node, with its line, so a failure says where. */
export function syntaxErrors(tree: Tree): string[] {
  const errors: string[] = [];
  const walk = (node: Node) => {
    if (node.isError || node.isMissing) errors.push(`line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 60))}`}`);
    for (const child of node.children) if (child) walk(child);
  };
  walk(tree.rootNode);
  return errors;
}

export async function parseBicep(text: string): Promise<Tree> {
  return (await grammarParser('tree-sitter-bicep')).parse(text)!;
}

const unquote = (text: string) => text.replace(/^'|'$/g, '');

/** The keys of the object literal assigned to `var <name> = { ... }`. */
export function objectKeysOfVariable(tree: Tree, name: string): string[] {
  for (const declaration of tree.rootNode.descendantsOfType('variable_declaration')) {
    if (declaration?.namedChild(0)?.text !== name) continue;
    const object = declaration.descendantsOfType('object')[0];
    if (!object) break;
    return object.namedChildren.filter((c) => c?.type === 'object_property').map((p) => unquote(p!.namedChild(0)!.text));
  }
  throw new Error(`no object variable ${name}`);
}

/** The string items of the array literal assigned to `var <name> = [ ... ]`. */
export function stringsOfVariable(tree: Tree, name: string): string[] {
  for (const declaration of tree.rootNode.descendantsOfType('variable_declaration')) {
    if (declaration?.namedChild(0)?.text !== name) continue;
    return declaration.descendantsOfType('string').map((s) => unquote(s!.text));
  }
  throw new Error(`no array variable ${name}`);
}

/** Names of the declarations of a kind: 'parameter_declaration', 'output_declaration', … */
export function declared(tree: Tree, kind: string): string[] {
  return tree.rootNode.descendantsOfType(kind).map((d) => d!.namedChildren.find((c) => c?.type === 'identifier')!.text);
}
