import type { AppConfig } from '@rtpm/config';
import { afterAll, beforeAll } from 'vitest';
import { startApi, type RunningApi } from './api-server.js';
import { SampleStore } from './sample-store.js';

export interface ApiFixture {
  api: RunningApi;
  store: SampleStore;
}

// The usual e2e setup: a real API on an ephemeral port plus direct SQL access to check what it stored.
// Fields are filled in beforeAll, so read them inside tests, not at describe time.
export function useApiFixture(config?: AppConfig): ApiFixture {
  const fixture = {} as ApiFixture;
  beforeAll(async () => {
    fixture.api = await startApi(config);
    fixture.store = new SampleStore();
  });
  afterAll(async () => {
    await fixture.api?.close();
    await fixture.store?.close();
  });
  return fixture;
}
