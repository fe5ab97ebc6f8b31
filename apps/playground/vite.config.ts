import { defaultClientConditions, defineConfig } from 'vite';
import { mnistDigits } from './build/mnist-digits.js';
import { rejectNodeBuiltins } from './build/reject-node-builtins.js';

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder or static server.
  base: './',
  // Compile the workspace packages from their TypeScript source (no `pnpm build` of the packages needed).
  resolve: { conditions: ['@deepcourse/source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2500 },
  plugins: [mnistDigits(), rejectNodeBuiltins()],
});
