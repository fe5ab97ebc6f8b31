import { isBuiltin } from 'node:module';
import type { Plugin } from 'vite';

/**
 * Fails the build when the page's own code or a workspace package's source imports a Node built-in: the
 * page must use the packages' isomorphic main entries only. (npm dependencies are left to their browser
 * builds: tfjs-backend-wasm, for one, maps `fs` to nothing in its `browser` field.)
 */
export function rejectNodeBuiltins(): Plugin {
  return {
    name: 'deepcourse:reject-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer !== undefined && !importer.includes('/node_modules/') && isBuiltin(source)) {
        this.error(`${importer} imports the Node built-in '${source}': the playground may only use isomorphic main entries`);
      }
      return null;
    },
  };
}
