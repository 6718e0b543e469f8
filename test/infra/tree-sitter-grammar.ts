/** A tree-sitter grammar from npm (its .wasm build: no native addon to compile), one parser each. */
import { readFileSync } from 'node:fs';
import { Language, Parser } from 'web-tree-sitter';

const parsers = new Map<string, Promise<Parser>>();

export function grammarParser(pkg: 'tree-sitter-bicep' | 'tree-sitter-powershell'): Promise<Parser> {
  let parser = parsers.get(pkg);
  if (!parser) {
    parser = (async () => {
      await Parser.init();
      // Bytes, not a path: loading by path uses a dynamic import that jest's VM does not allow.
      const language = await Language.load(readFileSync(require.resolve(`${pkg}/${pkg}.wasm`)));
      const p = new Parser();
      p.setLanguage(language);
      return p;
    })();
    parsers.set(pkg, parser);
  }
  return parser;
}
