// Preload (node --import) that makes Date.prototype.toISOString throw: a stand-in for a bug inside runbook's own
// code on `run`'s path (dist/run.cjs, compiled from its code cache), to see which src/ line an internal error
// names there.
Date.prototype.toISOString = function () {
  throw new Error('simulated bug');
};
