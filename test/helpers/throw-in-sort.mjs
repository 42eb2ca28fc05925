// Preload (node --import) that makes String.prototype.localeCompare throw: a stand-in for a bug inside
// runbook's own code (list sorts with it), to see what an internal error reports.
String.prototype.localeCompare = function () {
  throw new Error('simulated bug');
};
