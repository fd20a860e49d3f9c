import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFrom, loadConfig } from './config.ts';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`configuration ${JSON.stringify(env)} was accepted`);
}

describe('configuration', () => {
  it('has the documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicUrl.href).toBe('http://127.0.0.1:8080/');
    expect(config.databaseUrl).toBe('sqlite:data/gatehouse.db');
    expect(config.mailFrom).toBe('no-reply@127.0.0.1');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.secretKey).toBeUndefined();
    expect(config.environment).toBe('production');
    expect(config.logLevel).toBe('info');
    expect(config.sessionIdleMinutes).toBe(60);
    expect(config.sessionMaxHours).toBe(12);
    expect(config.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(config.hashConcurrency).toBe(availableParallelism());
    expect(config.hashQueueLimit).toBe(64);
    expect(config.trustProxy).toBe(false);
  });

  it('derives PUBLIC_URL from HOST and PORT, and MAIL_FROM from the PUBLIC_URL host', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '9000' }).publicUrl.origin).toBe('http://0.0.0.0:9000');
    expect(loadConfig({ HOST: '::1' }).publicUrl.origin).toBe('http://[::1]:8080');
    const config = loadConfig({ PUBLIC_URL: 'https://signin.example.com' });
    expect(config.publicUrl.origin).toBe('https://signin.example.com');
    expect(config.mailFrom).toBe('no-reply@signin.example.com');
    expect(loadConfig({ PUBLIC_URL: 'https://signin.example.com', MAIL_FROM: 'ops@example.org' }).mailFrom).toBe(
      'ops@example.org',
    );
  });

  it('reads every key it documents', () => {
    const key = 'ab'.repeat(32);
    const config = loadConfig({
      PORT: '3000',
      DATABASE_URL: 'postgres://gatehouse@db:5432/gatehouse',
      SMTP_URL: 'smtps://mail.example.com:465',
      REDIS_URL: 'redis://cache:6379',
      SECRET_KEY: key,
      GATEHOUSE_ENV: 'development',
      LOG_LEVEL: 'warn',
      SESSION_IDLE_MINUTES: '15',
      SESSION_MAX_HOURS: '8',
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '2',
      HASH_CONCURRENCY: '4',
      HASH_QUEUE_LIMIT: '10',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
    });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://gatehouse@db:5432/gatehouse',
      smtpUrl: 'smtps://mail.example.com:465',
      redisUrl: 'redis://cache:6379',
      environment: 'development',
      logLevel: 'warn',
      sessionIdleMinutes: 15,
      sessionMaxHours: 8,
      argon2: { memoryCost: 65536, timeCost: 3, parallelism: 2 },
      hashConcurrency: 4,
      hashQueueLimit: 10,
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
    });
    expect(config.secretKey?.toString('hex')).toBe(key);
    expect(loadConfig({ SECRET_KEY: Buffer.alloc(32, 9).toString('base64') }).secretKey).toEqual(Buffer.alloc(32, 9));
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '65536' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ ARGON2_MEMORY_KIB: '19455' }, 'ARGON2_MEMORY_KIB'],
    [{ ARGON2_TIME_COST: '1' }, 'ARGON2_TIME_COST'],
    [{ ARGON2_PARALLELISM: '0' }, 'ARGON2_PARALLELISM'],
    [{ PUBLIC_URL: 'https://signin.example.com/gatehouse' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://signin.example.com/?x=1' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://signin.example.com' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ SECRET_KEY: 'ab'.repeat(31) }, 'SECRET_KEY'],
    [{ SECRET_KEY: 'ab'.repeat(33) }, 'SECRET_KEY'],
    [{ SECRET_KEY: 'too short' }, 'SECRET_KEY'],
    [{ DATABASE_URL: 'mysql://db/gatehouse' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
    [{ GATEHOUSE_ENV: 'staging' }, 'GATEHOUSE_ENV'],
    [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
    [{ HASH_CONCURRENCY: '0' }, 'HASH_CONCURRENCY'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1,proxy.internal' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/255.0.0.0' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '-1' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1,' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'fe80::1%eth0' }, 'TRUST_PROXY'],
  ])('rejects %j with a message naming the key', (env, key) => {
    expect(problem(env)).toContain(key);
  });

  it('takes TRUST_PROXY as a list of proxy addresses and CIDR ranges', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8 ' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
    ]);
    expect(loadConfig({ TRUST_PROXY: 'loopback,uniquelocal' }).trustProxy).toEqual(['loopback', 'uniquelocal']);
  });

  it('refuses TRUST_PROXY=true, saying what to set instead', () => {
    expect(problem({ TRUST_PROXY: 'true' })).toContain(
      'TRUST_PROXY=true would trust addresses the client writes; set the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.0/8,127.0.0.1)',
    );
    expect(() => configFrom({ TRUST_PROXY: 'TRUE' })).toThrowError(
      /TRUST_PROXY=true would trust addresses the client writes/,
    );
  });

  it('takes a hop count from 1 to 10', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(problem({ TRUST_PROXY: '0' })).toContain('TRUST_PROXY as a hop count must be from 1 to 10');
    expect(problem({ TRUST_PROXY: '11' })).toContain('TRUST_PROXY as a hop count must be from 1 to 10');
  });

  it('refuses a TRUST_PROXY range that holds every address, as true would', () => {
    expect(problem({ TRUST_PROXY: '10.0.0.1,0.0.0.0/0' })).toContain('TRUST_PROXY range 0.0.0.0/0 holds every address');
    expect(problem({ TRUST_PROXY: '::/0' })).toContain('TRUST_PROXY range ::/0 holds every address');
  });

  it('reports every bad key at once', () => {
    const message = problem({ PORT: 'abc', ARGON2_MEMORY_KIB: '1024', SECRET_KEY: 'short' });
    expect(message).toContain('PORT');
    expect(message).toContain('ARGON2_MEMORY_KIB');
    expect(message).toContain('SECRET_KEY');
  });

  it('is frozen, argon2 parameters included', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.argon2)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.argon2 as { memoryCost: number }).memoryCost = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(8080);
    expect(config.argon2.memoryCost).toBe(19456);
  });

  it('never reads process.env when given an environment', () => {
    const before = process.env.PORT;
    process.env.PORT = '1234';
    try {
      expect(loadConfig({}).port).toBe(8080);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });
});
