import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { keyIdFor, loadOrCreateKeyFile, parseEncryptionKey } from '../../../src/crypto/encryption-keys.js';

const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 251) % 256));
const keyOfBytes = (length: number) => Buffer.alloc(length, 0xfb);

describe('GIVEN parseEncryptionKey', () => {
  it.each([
    ['64 lowercase hex characters', bytes.toString('hex'), bytes],
    ['64 uppercase hex characters', bytes.toString('hex').toUpperCase(), bytes],
    ['padded base64', bytes.toString('base64'), bytes],
    ['unpadded base64', bytes.toString('base64').replace(/=$/, ''), bytes],
    ['base64url', bytes.toString('base64url'), bytes],
    ['padded base64url', `${bytes.toString('base64url')}=`, bytes],
    [
      '32 ASCII characters',
      'correct horse battery staple 32b',
      Buffer.from('correct horse battery staple 32b'),
    ],
    ['16 two-byte characters (32 bytes of UTF-8)', 'é'.repeat(16), Buffer.from('é'.repeat(16))],
  ])('WHEN given %s THEN it returns those 32 bytes', (_form, text, expected) => {
    expect(parseEncryptionKey(text)).toEqual(expected);
  });

  it.each([
    ['an empty string', ''],
    ["the schema document's placeholder", 'your-32-byte-encryption-key'],
    ['63 hex characters', bytes.toString('hex').slice(1)],
    ['65 hex characters', `${bytes.toString('hex')}0`],
    ['64 characters that are not all hex', `${bytes.toString('hex').slice(2)}zz`],
    ['hex with a trailing newline', `${bytes.toString('hex')}\n`],
    ['base64 of 31 bytes', keyOfBytes(31).toString('base64')],
    ['base64 of 33 bytes', keyOfBytes(33).toString('base64')],
    ['base64 mixing both alphabets', `+_${bytes.toString('base64url').slice(2)}`],
    ['31 ASCII characters', 'a'.repeat(31)],
    ['33 ASCII characters', 'a'.repeat(33)],
    ['text of 33 UTF-8 bytes', `${'é'.repeat(16)}a`],
  ])('WHEN given %s THEN it throws a ConfigError', (_form, text) => {
    expect(() => parseEncryptionKey(text)).toThrow(ConfigError);
  });

  it('WHEN the key is rejected THEN the message opens like every configuration error, then names ENCRYPTION_KEY and how to generate one', () => {
    expect(() => parseEncryptionKey('your-32-byte-encryption-key')).toThrow(
      /^MoodScale cannot start: ENCRYPTION_KEY is not a usable encryption key\.\n {2}ENCRYPTION_KEY: expected .*openssl rand -hex 32/,
    );
  });

  it('WHEN given a variable name THEN a rejection names that variable', () => {
    expect(() => parseEncryptionKey('too-short', 'ENCRYPTION_OLD_KEYS')).toThrow(
      /^MoodScale cannot start: ENCRYPTION_OLD_KEYS is not a usable encryption key\.\n {2}ENCRYPTION_OLD_KEYS: /,
    );
  });

  it('WHEN the key is rejected THEN the message does not contain the key', () => {
    const secret = bytes.toString('hex').slice(1);
    expect(() => parseEncryptionKey(secret)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});

describe('GIVEN keyIdFor', () => {
  it('WHEN called twice with the same key THEN it returns the same 8 hex characters', () => {
    expect(keyIdFor(bytes)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdFor(Buffer.from(bytes))).toBe(keyIdFor(bytes));
  });

  it('WHEN given two different keys THEN their ids differ', () => {
    expect(keyIdFor(keyOfBytes(32))).not.toBe(keyIdFor(bytes));
  });

  it('WHEN given a key THEN the id is not a prefix of the plain SHA-256 of the key', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).not.toMatch(new RegExp(`^${keyIdFor(bytes)}`));
  });
});

describe('GIVEN loadOrCreateKeyFile', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'moodscale-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('WHEN the data directory does not exist THEN it creates it and a 64-hex key file', () => {
    const dataDir = join(freshDir(), 'nested', 'data');
    const result = loadOrCreateKeyFile(dataDir);
    expect(result.created).toBe(true);
    expect(result.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(process.platform === 'win32')('WHEN it creates the key file THEN its mode is 0600', () => {
    const dataDir = freshDir();
    loadOrCreateKeyFile(dataDir);
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('WHEN called a second time THEN it returns the same key without creating a new one', () => {
    const dataDir = freshDir();
    const first = loadOrCreateKeyFile(dataDir);
    expect(loadOrCreateKeyFile(dataDir)).toEqual({ key: first.key, created: false });
  });

  it('WHEN the existing key file holds no valid key THEN it throws a ConfigError naming the file', () => {
    const dataDir = freshDir();
    writeFileSync(join(dataDir, 'encryption.key'), 'not a key\n');
    expect(() => loadOrCreateKeyFile(dataDir)).toThrow(/encryption\.key: expected/);
  });
});
