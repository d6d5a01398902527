/** The settings DataJoint 2.3 is given (names from its settings.py: DJ_* variables, `stores` shape). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataJointEnv, dataJointSettings, envLine, fileStores, shellQuote, storeConfigOf } from '../../src/serve/datajoint-settings.js';
import { isLoopback } from '../../src/serve/serve.js';

describe('fileStores', () => {
  it('makes one file store per name under the root, the first by name as default', () => {
    const root = path.resolve('stores-root');
    expect(fileStores(root, ['raw', 'main', 'raw'])).toEqual({
      default: 'main',
      main: { protocol: 'file', location: path.join(root, 'main') },
      raw: { protocol: 'file', location: path.join(root, 'raw') },
    });
    expect(fileStores(root, [])).toEqual({});
  });

  it('is a configuration dj-import accepts', () => {
    const config = storeConfigOf(fileStores(path.resolve('r'), ['local']));
    expect(config.defaultStore).toBe('local');
    expect(config.stores.get('local')?.location).toBe(path.resolve('r', 'local'));
  });
});

describe('dataJointEnv / envLine', () => {
  it('names DataJoint 2.3\'s variables; the backend is "postgresql", the only spelling it accepts', () => {
    const stores = { default: 'local', local: { protocol: 'file' as const, location: "/data/it's here" } };
    const env = dataJointEnv(dataJointSettings('127.0.0.1', 15432, stores));
    expect(env).toEqual({
      DJ_HOST: '127.0.0.1', DJ_PORT: '15432', DJ_BACKEND: 'postgresql', DJ_USER: 'postgres', DJ_PASS: 'unused', DJ_USE_TLS: 'false',
      DJ_STORES: '{"default":"local","local":{"protocol":"file","location":"/data/it\'s here"}}',
    });
    expect(envLine(env)).toBe(
      `DJ_HOST=127.0.0.1 DJ_PORT=15432 DJ_BACKEND=postgresql DJ_USER=postgres DJ_PASS=unused DJ_USE_TLS=false DJ_STORES='{"default":"local","local":{"protocol":"file","location":"/data/it'\\''s here"}}'`);
  });

  it('leaves DJ_STORES out when the snapshot has no objects', () => {
    expect(dataJointEnv(dataJointSettings('::1', 5432, {}))).not.toHaveProperty('DJ_STORES');
  });

  it('quotes for a POSIX shell only when needed', () => {
    expect(shellQuote('/tmp/a-b_c.d')).toBe('/tmp/a-b_c.d');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('')).toBe("''");
  });
});

describe('isLoopback', () => {
  it.each([['127.0.0.1', true], ['127.1.2.3', true], ['localhost', true], ['::1', true], ['[::1]', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['192.168.1.10', false], ['example.org', false], ['128.0.0.1', false]] as const)('%s -> %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
