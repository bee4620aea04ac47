// Makes the compiled CLI executable (tsc does not keep modes) so `bin: kpart` works after `npm install`.
import { chmodSync, existsSync } from 'node:fs';
const bin = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
