import { isTransientDatabaseError } from '@rtpm/database';
import { AlertsError } from './alerts.errors.js';

// Turns "PostgreSQL is unreachable" into the domain's 503 code; everything else passes through.
export async function unavailableOnOutage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTransientDatabaseError(error)) {
      throw new AlertsError('storage_unavailable', 'The database is unavailable. Retry later.');
    }
    throw error;
  }
}
