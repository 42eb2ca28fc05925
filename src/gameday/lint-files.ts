// `runbook lint` of a scenario file: parse it as a scenario and apply the scenario rules with this host's interfaces.
import type { Problem } from '../runbook/model.js';
import { hostInterfaces } from './find.js';
import { lintScenario } from './lint-scenario.js';
import { parseScenario } from './scenario.js';

export function lintScenarioFile(source: string, path: string): Problem[] {
  return lintScenario(parseScenario(source, path), { hostInterfaces: hostInterfaces() });
}
