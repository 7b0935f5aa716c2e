// Builds the extension into extension/dist/: extension.js (the extension with
// the DAP server and the engine bundled in), adapter.js (the same server on
// stdio, for the "process" adapter setting) and terminal-client.js (the guest
// console in the editor's terminal). Also writes the launch attributes
// (adapter/src/launch-schema.ts, compiled by `npm run build`) into the
// manifest, so package.json always carries the adapter's own description.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const { LAUNCH_SCHEMA } = await import(join(root, 'dist', 'adapter', 'src', 'launch-schema.js'));
const manifestPath = join(here, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === 'retrovisor');
if (JSON.stringify(debuggerEntry.configurationAttributes.launch) !== JSON.stringify(LAUNCH_SCHEMA)) {
  debuggerEntry.configurationAttributes.launch = LAUNCH_SCHEMA;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log('extension/package.json: launch attributes updated from adapter/src/launch-schema.ts');
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The sources are ES modules; in a CommonJS bundle, import.meta.url is the bundle's own URL
  // (the adapter finds terminal-client.js beside itself).
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [join(here, 'import-meta-url.js')],
};
await build({ ...common, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(here, 'dist', 'extension.js') });
await build({ ...common, entryPoints: [join(root, 'adapter', 'src', 'stdio.ts')], outfile: join(here, 'dist', 'adapter.js') });
// Started by the adapter in the editor's terminal for `"console": "integratedTerminal"`.
await build({ ...common, entryPoints: [join(root, 'adapter', 'src', 'terminal-client.ts')], outfile: join(here, 'dist', 'terminal-client.js') });
