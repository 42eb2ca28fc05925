// Preload (node --import) that makes string comparison throw (String.prototype.localeCompare and
// Intl.Collator's compare): a stand-in for a bug inside runbook's own code (list sorts with a collator), to see
// what an internal error reports.
const bug = () => {
  throw new Error('simulated bug');
};
String.prototype.localeCompare = bug;
Object.defineProperty(Intl.Collator.prototype, 'compare', { get: () => bug, configurable: true });
