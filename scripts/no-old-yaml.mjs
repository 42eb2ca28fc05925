// An esbuild plugin shared by the build (scripts/build.mjs) and the bench's floor programs (bench/floors.js).

/**
 * gray-matter requires js-yaml 3 (which loads esprima) for its default YAML engine. We always pass our own
 * engines (js-yaml 4, core schema), so that copy is never used: it is replaced by a stub that throws.
 */
const STUB = 'runbook-unused-stub';
export const noOldYaml = {
  name: 'no-js-yaml-3',
  setup(b) {
    b.onResolve({ filter: /^(js-yaml|esprima)$/ }, (args) => {
      if (args.path === 'esprima' || /[\\/]gray-matter[\\/]/.test(args.importer)) return { path: args.path, namespace: STUB };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: STUB }, (args) => ({
      contents: `const no = () => { throw new Error('${args.path} is not part of the runbook bundle'); };
module.exports = { safeLoad: no, safeDump: no, load: no, dump: no, parse: no };`,
      loader: 'js',
    }));
  },
};
