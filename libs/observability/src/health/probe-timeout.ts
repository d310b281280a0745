// Every dependency check answers within this time, up or down: a probe that hangs is worse than one that fails,
// because Kubernetes then times out the probe itself and learns nothing.
export const PROBE_TIMEOUT_MS = 1_000;

// Rejects when work has not settled within ms; work itself carries on (and its late failure is swallowed).
export async function withTimeout<T>(work: Promise<T>, what: string, ms = PROBE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
