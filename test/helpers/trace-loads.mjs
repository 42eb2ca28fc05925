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
  process.on('exit', () => {
    const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `builtin:${m.slice('NativeModule '.length)}`);
    appendFileSync(out, `${builtins.join('\n')}\n`);
  });
}
