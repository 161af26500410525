// What each page's script asks the page for: the string keys of every t('...') and the names
// of every table('...') (tables.js) in the code that is really in the page's bundle (esbuild,
// as frontend/build.mjs bundles it, with tree shaking but without minifying, so a helper of
// common.js that a page never calls asks for nothing). A key built at run time
// (t(`status.${s}`)) is reported by its fixed prefix ("status."). Prints JSON:
// {"crew.js": {"keys": [...], "prefixes": [...], "tables": [...]}, ...}.
// Used by tests/frontend/test_pages.py: `node tests/frontend/js_keys.mjs crew.js console.js`.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'acorn';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entries = process.argv.slice(2);

/** The keys a t(...) argument can give: its string literals (through ?:, ||, ??), and the fixed
    start of a template literal with substitutions. */
function keysOf(node, keys, prefixes) {
  if (!node) return;
  if (node.type === 'Literal' && typeof node.value === 'string') keys.add(node.value);
  else if (node.type === 'TemplateLiteral') {
    const head = node.quasis[0].value.cooked;
    if (node.expressions.length) prefixes.add(head);
    else keys.add(head);
  } else if (node.type === 'ConditionalExpression') {
    keysOf(node.consequent, keys, prefixes);
    keysOf(node.alternate, keys, prefixes);
  } else if (node.type === 'LogicalExpression') {
    keysOf(node.left, keys, prefixes);
    keysOf(node.right, keys, prefixes);
  } else {
    throw new Error(`t() called with a key the test cannot read: ${node.type}`);
  }
}

/** Every node of the tree, depth first. */
function* nodes(node) {
  if (!node || typeof node.type !== 'string') return;
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) yield* nodes(item);
    else if (value && typeof value === 'object') yield* nodes(value);
  }
}

const result = {};
for (const entry of entries) {
  const bundle = await build({
    entryPoints: [join(ROOT, 'frontend', 'src', 'js', entry)],
    bundle: true, write: false, format: 'esm', minify: false, treeShaking: true,
    logLevel: 'silent', absWorkingDir: ROOT,
  });
  const code = bundle.outputFiles[0].text;
  // The translating function is `t` in common.js (esbuild renames it t2, ... only on a clash),
  // and a module that is handed it as an option ({ t }: time.js) calls it by the name it binds.
  const tree = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const names = new Set([/function (t\d*)\(key, params\)/.exec(code)?.[1]]);
  for (const node of nodes(tree)) {
    if (node.type === 'Property' && node.key.type === 'Identifier' && node.key.name === 't'
        && node.value.type === 'Identifier') names.add(node.value.name);
  }
  const tableName = /function (table\d*)\(name\)/.exec(code)?.[1];
  const keys = new Set();
  const prefixes = new Set();
  const tables = new Set();
  for (const node of nodes(tree)) {
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier') continue;
    if (names.has(node.callee.name)) keysOf(node.arguments[0], keys, prefixes);
    if (node.callee.name === tableName) {
      const [arg] = node.arguments;
      if (arg?.type !== 'Literal' || typeof arg.value !== 'string') throw new Error('table() called with a name the test cannot read');
      tables.add(arg.value);
    }
  }
  result[entry] = { keys: [...keys].sort(), prefixes: [...prefixes].sort(), tables: [...tables].sort() };
}
console.log(JSON.stringify(result));
