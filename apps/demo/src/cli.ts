import { parseArgs } from 'node:util';
import type { BackendRequest } from '@deepcourse/backend';

export interface DemoOptions {
  /** A short run (under 3 minutes on 2 cores): smaller data, fewer epochs. */
  quick: boolean;
  /** Stage ids to run; all when undefined. */
  only: string[] | undefined;
  /** Folder for the report (index.html, metrics.json, images). */
  out: string;
  backend: BackendRequest;
  seed: number;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: pnpm demo [-- options]
  --quick             a short run (about 3 minutes on 2 cores)
  --only <stages>     comma-separated stage ids (see the list below)
  --out <dir>         report folder (default: report)
  --backend <name>    auto | tensorflow | wasm | cpu (default: auto)
  --seed <n>          seed for every random choice (default: 42)
  --help              this text`;

const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu', 'webgl'];

/** Parses the demo's command line; unknown options and bad values are a UsageError. */
export function parseDemoArgs(argv: readonly string[], stageIds: readonly string[]): DemoOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string', default: 'report' },
        backend: { type: 'string', default: 'auto' },
        seed: { type: 'string', default: '42' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (!BACKENDS.includes(v.backend)) throw new UsageError(`--backend: expected one of ${BACKENDS.join(', ')}, found ${v.backend}`);
  const seed = Number(v.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed: expected an integer, found ${v.seed}`);
  let only: string[] | undefined;
  if (v.only !== undefined) {
    only = v.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = only.filter((id) => !stageIds.includes(id));
    if (unknown.length || only.length === 0) {
      throw new UsageError(`--only: expected stage ids from ${stageIds.join(', ')}, found ${unknown.join(', ') || '(none)'}`);
    }
  }
  return { quick: v.quick, only, out: v.out, backend: v.backend as BackendRequest, seed };
}
