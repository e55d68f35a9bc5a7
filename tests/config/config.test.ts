import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../config/index.js';

describe('loadConfig', () => {
  it('defaults to the local stack', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.CASSANDRA_PORT).toBe(9042);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.API_PORT).toBe(8080);
  });

  it('parses overrides, lists included', () => {
    const config = loadConfig({ API_PORT: '9999', KAFKA_BROKERS: 'a:1, b:2', CASSANDRA_CONTACT_POINTS: 'c1,c2' });
    expect(config.API_PORT).toBe(9999);
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(config.CASSANDRA_CONTACT_POINTS).toEqual(['c1', 'c2']);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ API_PORT: '' }).API_PORT).toBe(8080);
  });

  it('fails on a bad value with a message naming the variable', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(/API_PORT/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('refuses token settings that would let forged or foreign tokens in', () => {
    const provider = {
      AUTH_JWKS_URL: 'https://login.bank.example/jwks.json',
      AUTH_ISSUER: 'https://login.bank.example/',
      AUTH_AUDIENCE: 'dashboard-api',
    };
    expect(() => loadConfig({ AUTH_JWKS_URL: provider.AUTH_JWKS_URL })).toThrow(
      /AUTH_ISSUER: required with AUTH_JWKS_URL[\s\S]*AUTH_AUDIENCE: required/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', ...provider, JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow(
      /JWT_SECRET: not accepted in production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', ...provider, JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /JWT_SECRET: not accepted in production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', ...provider })).toMatchObject(provider);
    // Locally, development tokens need nothing set.
    expect(loadConfig({}).JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
  });
});
