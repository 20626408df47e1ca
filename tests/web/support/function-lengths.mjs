/**
 * Prints the length of every function in the given JavaScript files as JSON:
 * [{file, name, line, lines}], `line` where the function starts and `lines` from
 * there to its closing line (its JSDoc not counted), nested functions included.
 * The TypeScript compiler's parser reads the files, so any syntax the type check
 * accepts is measured. Used by tests/web/test_function_length.py.
 *
 *   node tests/web/support/function-lengths.mjs FILE...
 */

import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * What a reader would call the function: its own name, or the name it is
 * assigned to, prefixed with its class for methods.
 * @param {ts.Node} node
 * @returns {string}
 */
function nameOf(node) {
  const own = /** @type {{name?: ts.Node}} */ (node).name;
  let name = own ? own.getText() : '';
  if (ts.isConstructorDeclaration(node)) name = 'constructor';
  const parent = node.parent;
  if (!name && parent) {
    if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)
      || ts.isPropertyDeclaration(parent)) {
      name = parent.name.getText();
    } else if (ts.isBinaryExpression(parent)) {
      name = parent.left.getText();
    } else if (ts.isCallExpression(parent)) {
      name = `callback of ${parent.expression.getText().slice(0, 60)}`;
    }
  }
  if (ts.isClassElement(node) && node.parent && ts.isClassLike(node.parent)) {
    name = `${node.parent.name?.getText() ?? '(class)'}.${name}`;
  }
  return name || '(anonymous)';
}

/**
 * @param {string} file
 * @returns {{file: string, name: string, line: number, lines: number}[]}
 */
function functionLengths(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ file, name: nameOf(node), line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

process.stdout.write(JSON.stringify(process.argv.slice(2).flatMap(functionLengths)));
