// Preload (node --import) for startup tests: appends every module the process loads (ES modules through a
// resolve hook, CommonJS through Module._load) to the file named by $RUNBOOK_TRACE_LOADS, one URL or id a line;
// at exit, every one of Node's own modules it loaded, however it was reached (`builtin:perf_hooks`: a use of
// the global `performance` loads it without any import).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.RUNBOOK_TRACE_LOADS;
if (out) {
  const hook = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      appendFileSync(${JSON.stringify(out)}, r.url + '\\n');
      return r;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const load = Module._load;
  Module._load = function (request, ...rest) {
    appendFileSync(out, `require:${request}\n`);
    return load.call(this, request, ...rest);
  };
  // A script compiled with a code cache (bin/compiled.js): whether V8 took it, as `vm-cache:<file> used|refused`.
  const { default: vm } = await import('node:vm');
  const Script = vm.Script;
  vm.Script = class extends Script {
    constructor(source, options) {
      super(source, options);
      if (options?.cachedData) appendFileSync(out, `vm-cache:${options.filename} ${this.cachedDataRejected ? 'refused' : 'used'}\n`);
    }
  };
  process.on('exit', () => {
    const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `builtin:${m.slice('NativeModule '.length)}`);
    appendFileSync(out, `${builtins.join('\n')}\n`);
  });
}
