import { PromqlError } from './errors.js';

// PromQL regexes are RE2 and fully anchored, with `.` matching newlines (Prometheus compiles `^(?s:re)$`).
// JavaScript's engine differs from RE2; this bridges the common cases and refuses what RE2 refuses:
// - inline flags: a leading `(?i)`/`(?s)`/`(?is)` becomes a RegExp flag (Node 20 has no `(?i:…)` groups; inline
//   flags elsewhere in the pattern are rejected);
// - `(?P<name>…)` becomes `(?<name>…)`;
// - lookarounds and backreferences do not exist in RE2 and are rejected, as Prometheus would;
// - the `u` flag makes `.` and classes work on code points like RE2, but refuses needless escapes such as `\-`
//   or `\_` that RE2 accepts, so such patterns are compiled without it;
// - RE2-only syntax (`\z`, `\A`, `[[:alpha:]]`, `\pL`) is not translated: it fails to compile or, for POSIX
//   classes, means something else in JavaScript. Rare in label matchers, and PostgreSQL differs again.
export function compileLabelRegex(re: string): RegExp {
  let compiled = cache.get(re);
  if (!compiled) {
    compiled = compile(re);
    // Bounded: queries bring their own patterns, and a pattern is cheap to compile again.
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(re, compiled);
  }
  return compiled;
}

const CACHE_SIZE = 1_000;
const cache = new Map<string, RegExp>();

function compile(re: string): RegExp {
  let body = re;
  let flags = 's';
  const inline = /^\(\?([is]+)\)/.exec(body);
  if (inline) {
    if (inline[1].includes('i')) flags += 'i';
    body = body.slice(inline[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<');
  const unsupported = /\(\?<?[=!]|\\[1-9]|\\k<|\(\?[a-zA-Z]/.exec(body);
  if (unsupported) {
    throw invalid(re, `${JSON.stringify(unsupported[0])} is not supported by RE2`);
  }
  try {
    return new RegExp(`^(?:${body})$`, `${flags}u`);
  } catch {
    try {
      return new RegExp(`^(?:${body})$`, flags);
    } catch (e) {
      throw invalid(re, (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ''));
    }
  }
}

function invalid(re: string, reason: string): PromqlError {
  return new PromqlError('invalid', `invalid regular expression ${JSON.stringify(re)}: ${reason}`);
}
