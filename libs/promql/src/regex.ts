import { PromqlError } from './errors.js';

export function compileLabelRegex(re: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`, 'su');
  } catch (e) {
    throw new PromqlError('invalid', `invalid regular expression ${JSON.stringify(re)}: ${(e as Error).message}`);
  }
}
