#!/usr/bin/env node
// CommonJS (bin/package.json says so): `--version` is answered here, before Node sets up its ES module loader
// (about 15% of a bare `node -e 0`); everything else is the bundle, dist/main.js.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(`${require('../package.json').version}\n`);
else import('../dist/main.js');
