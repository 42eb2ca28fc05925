import { UserError } from '../errors.js';
export function notYet(name: string): never {
  throw new UserError(`${name} is not built yet`);
}
