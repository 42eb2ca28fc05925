// Preload (node --import) that makes sorting runbooks throw (Array.prototype.sort of an array of objects with
// an id and steps, which only list's sort of runbooks is): a stand-in for a bug inside runbook's own code, to
// see what an internal error reports.
const sort = Array.prototype.sort;
Array.prototype.sort = function (compare) {
  const first = this[0];
  if (first !== null && typeof first === 'object' && 'id' in first && 'steps' in first) throw new Error('simulated bug');
  return sort.call(this, compare);
};
