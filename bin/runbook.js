#!/usr/bin/env node
// CommonJS (bin/package.json says so): `--version` is answered here, before Node sets up its ES module loader
// (about 15% of a bare `node -e 0`). `run`, `drill` and `gameday` load dist/run.cjs with its V8 code cache
// (bin/compiled.js); everything else is the ES module bundle, dist/main.js.
const args = process.argv.slice(2);

/** The command's name: the first word that is not an option (nor the value of the one global option, --dir). */
function commandOf(words) {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') return undefined;
    if (w === '--dir') i++; // --dir=X is one word, an option
    else if (!w.startsWith('-')) return w;
  }
  return undefined;
}

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(`${require('../package.json').version}\n`);
else if (!(['run', 'drill', 'gameday'].includes(commandOf(args)) && require('./compiled.js').start())) import('../dist/main.js');
