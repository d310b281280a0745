import type { Expr } from './ast.js';
import { PromqlError } from './errors.js';

export function parse(query: string): Expr {
  throw new PromqlError('unsupported', `parser not implemented yet: ${query}`);
}
