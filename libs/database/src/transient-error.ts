// True for failures that say "PostgreSQL is unreachable or overloaded right now", not "this request is wrong":
// callers answer 503 with Retry-After so that agents retry instead of dropping data.
const TRANSIENT_SQLSTATES = new Set(['53300', '57014', '57P01', '57P02', '57P03', '40001', '40P01']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_NODE_CODES.has(code))) return true;
  // node-postgres reports a dropped connection or a pool wait timeout with a message only.
  // 55000 is also "object not in prerequisite state"; only the start-up/shutdown flavour is transient.
  if (code === '55000' && /not currently accepting connections/i.test(error.message)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}
