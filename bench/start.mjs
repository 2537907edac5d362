// `npm run bench` entry: runs the benchmark compiled by `tsc -p bench/tsconfig.json` (plain JS,
// as users run the package, not through a TypeScript loader). The build lives under
// node_modules/.cache, where Node does not see this package's "type": "module", so mark it here.
import { writeFileSync } from 'node:fs';

const build = new URL('../node_modules/.cache/handshake-bench/', import.meta.url);
writeFileSync(new URL('package.json', build), '{ "type": "module" }\n');
await import(new URL('bench/run.js', build).href);
