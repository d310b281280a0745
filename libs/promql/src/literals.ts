import { parseDuration } from './durations.js';
import { PromqlError, syntaxError } from './errors.js';
import type { Token } from './lexer.js';

// Go's strconv rules as Prometheus applies them: hex `0x1f`, a leading 0 means octal (`010` is 8), `_` separators.
export function numberValue(text: string): number {
  const plain = text.replaceAll('_', '');
  if (/^0[xX]/.test(plain)) return parseInt(plain.slice(2), 16);
  if (/^0[0-7]+$/.test(plain)) return parseInt(plain, 8);
  return Number(plain);
}

// A duration token (`5m`) or, as Prometheus 3 allows, a number of seconds (`300`, `1.5`), in milliseconds.
export function durationValue(token: Token, allowZero: boolean): number {
  try {
    if (token.type === 'duration') return parseDuration(token.text, { allowZero });
    const ms = Math.round(numberValue(token.text) * 1000);
    if (!Number.isFinite(ms)) throw new PromqlError('invalid', `not a valid duration: ${JSON.stringify(token.text)}`);
    if (ms === 0 && !allowZero) {
      throw new PromqlError('invalid', `duration must be greater than 0: ${JSON.stringify(token.text)}`);
    }
    return ms;
  } catch (e) {
    if (e instanceof PromqlError) throw syntaxError(e.message, token.pos, e.code === 'syntax' ? 'syntax' : 'invalid');
    throw e;
  }
}
