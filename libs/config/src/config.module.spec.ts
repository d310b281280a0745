import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { AppConfig, ConfigModule, loadConfig } from '@rtpm/config';

// Nest resolves constructor parameters from design:paramtypes; this fails if the test transform drops
// decorator metadata (the whole API relies on injection by type).
@Injectable()
class NeedsConfig {
  constructor(readonly config: AppConfig) {}
}

describe(ConfigModule.name, () => {
  it('provides AppConfig by type to any provider', async () => {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '9123' });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config)],
      providers: [NeedsConfig],
    }).compile();

    const sut = moduleRef.get(NeedsConfig);

    expect(sut.config).toBe(config);
    expect(sut.config.http.port).toBe(9123);
    await moduleRef.close();
  });
});
