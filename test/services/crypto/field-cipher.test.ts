import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, DecryptionError } from '../../../src/crypto/create-field-cipher.js';
import type { CipherContext } from '../../../src/crypto/field-cipher.js';

const keyA = 'a'.repeat(64);
const keyB = Buffer.alloc(32, 0xb5).toString('base64');
const cipherA = createFieldCipher({ currentKey: keyA });
const context: CipherContext = { table: 'users', column: 'spotify_access_token', userId: 42 };

const plaintexts = fc.string({ unit: 'binary', maxLength: 300 });
const contexts = fc.record({
  table: fc.string({ maxLength: 20 }),
  column: fc.string({ maxLength: 20 }),
  userId: fc.nat(),
});

/** Splits a stored value into its header and the decoded nonce || ciphertext || tag. */
function decode(stored: string): { header: string; bytes: Buffer } {
  const parts = stored.split(':');
  const header = parts.slice(0, 3).join(':');
  return {
    header,
    bytes: Buffer.concat([Buffer.from(parts[3]!, 'base64url'), Buffer.from(parts[4]!, 'base64url')]),
  };
}

function encode(header: string, bytes: Buffer): string {
  return `${header}:${bytes.subarray(0, 12).toString('base64url')}:${bytes.subarray(12).toString('base64url')}`;
}

function decryptionErrorOf(run: () => unknown): DecryptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionError) return error;
    throw error;
  }
  throw new Error('expected a DecryptionError, but decrypt returned a value');
}

describe('GIVEN a field cipher', () => {
  it('WHEN any unicode string is encrypted and decrypted in the same context THEN it comes back unchanged', () => {
    fc.assert(
      fc.property(plaintexts, contexts, (plaintext, where) => {
        expect(cipherA.decrypt(cipherA.encrypt(plaintext, where), where)).toBe(plaintext);
      }),
    );
  });

  it('WHEN a long string is encrypted and decrypted THEN it comes back unchanged', () => {
    const long = '🎵 mood 😊 '.repeat(20_000);
    expect(cipherA.decrypt(cipherA.encrypt(long, context), context)).toBe(long);
  });

  it('WHEN the same plaintext is encrypted twice THEN the stored values differ', () => {
    expect(cipherA.encrypt('token', context)).not.toBe(cipherA.encrypt('token', context));
  });

  it('WHEN thousands of values are encrypted (several nonce pools) THEN no nonce repeats', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5000; i++) nonces.add(cipherA.encrypt('x', context).split(':')[3]!);
    expect(nonces.size).toBe(5000);
  });

  it('WHEN a value is encrypted THEN it is in the enc:v1:<keyId>:<nonce>:<ciphertext||tag> format', () => {
    expect(cipherA.encrypt('', context)).toMatch(
      new RegExp(`^enc:v1:${cipherA.currentKeyId}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}$`),
    );
  });

  it('WHEN a plaintext of 4 or more characters is encrypted THEN the stored value does not contain it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 4, maxLength: 100 }), (plaintext) => {
        expect(cipherA.encrypt(plaintext, context)).not.toContain(plaintext);
      }),
    );
    expect(cipherA.encrypt('BQD-spotify-access-token', context)).not.toContain('BQD-spotify-access-token');
  });

  it('WHEN a plaintext has a lone surrogate THEN encrypt throws instead of storing a different string', () => {
    expect(() => cipherA.encrypt('bad \ud800 text', context)).toThrow(TypeError);
  });
});

describe('GIVEN a stored value that was tampered with', () => {
  it('WHEN any single bit of the nonce, ciphertext or tag is flipped THEN decrypt throws DECRYPTION_FAILED', () => {
    fc.assert(
      fc.property(plaintexts, fc.nat(), (plaintext, position) => {
        const { header, bytes } = decode(cipherA.encrypt(plaintext, context));
        const bit = position % (bytes.length * 8);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        const error = decryptionErrorOf(() => cipherA.decrypt(encode(header, bytes), context));
        expect(error.code).toBe('DECRYPTION_FAILED');
      }),
    );
  });

  it('WHEN decryption fails THEN the error message does not contain the plaintext', () => {
    const stored = cipherA.encrypt('secret-refresh-token', context);
    const error = decryptionErrorOf(() => cipherA.decrypt(stored, { ...context, userId: 43 }));
    expect(error.message).not.toContain('secret-refresh-token');
  });
});

describe('GIVEN a stored value moved out of its place', () => {
  it('WHEN it is read as another user’s value THEN decrypt throws DECRYPTION_FAILED', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(), { minLength: 2, maxLength: 2 }), ([owner, other]) => {
        const stored = cipherA.encrypt('token', { ...context, userId: owner! });
        const error = decryptionErrorOf(() => cipherA.decrypt(stored, { ...context, userId: other! }));
        expect(error.code).toBe('DECRYPTION_FAILED');
      }),
    );
  });

  it('WHEN it is read in another table or column THEN decrypt throws DECRYPTION_FAILED', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(contexts, contexts)
          .filter(([from, to]) => from.table !== to.table || from.column !== to.column),
        ([from, to]) => {
          const stored = cipherA.encrypt('token', from);
          const error = decryptionErrorOf(() => cipherA.decrypt(stored, { ...to, userId: from.userId }));
          expect(error.code).toBe('DECRYPTION_FAILED');
        },
      ),
    );
  });

  it('WHEN table and column split the same text differently THEN decrypt throws DECRYPTION_FAILED', () => {
    const stored = cipherA.encrypt('token', { table: 'users', column: 'a:b', userId: 1 });
    expect(() => cipherA.decrypt(stored, { table: 'users:a', column: 'b', userId: 1 })).toThrow(
      DecryptionError,
    );
  });
});

describe('GIVEN a key rotated from A to B', () => {
  const rotated = createFieldCipher({ currentKey: keyB, oldKeys: [keyA] });
  const storedUnderA = cipherA.encrypt('token', context);

  it('WHEN a value written under A is read with B current and A old THEN it decrypts', () => {
    expect(rotated.decrypt(storedUnderA, context)).toBe('token');
  });

  it("WHEN a new value is written THEN it carries B's key id", () => {
    const onlyB = createFieldCipher({ currentKey: keyB });
    expect(rotated.currentKeyId).toBe(onlyB.currentKeyId);
    expect(rotated.keyIdOf(rotated.encrypt('token', context))).toBe(onlyB.currentKeyId);
    expect(rotated.currentKeyId).not.toBe(cipherA.currentKeyId);
  });

  it('WHEN a value written under A is read by a cipher that only knows B THEN decrypt throws UNKNOWN_KEY', () => {
    const onlyB = createFieldCipher({ currentKey: keyB });
    expect(decryptionErrorOf(() => onlyB.decrypt(storedUnderA, context)).code).toBe('UNKNOWN_KEY');
  });

  it('WHEN a key is listed twice or the current key is also listed as old THEN values still round-trip', () => {
    const repeated = createFieldCipher({ currentKey: keyB, oldKeys: [keyA, keyA, keyB] });
    expect(repeated.decrypt(storedUnderA, context)).toBe('token');
    expect(repeated.decrypt(repeated.encrypt('token', context), context)).toBe('token');
  });

  it('WHEN an old key is not a valid key THEN creating the cipher names ENCRYPTION_OLD_KEYS', () => {
    expect(() => createFieldCipher({ currentKey: keyB, oldKeys: ['nope'] })).toThrow(/ENCRYPTION_OLD_KEYS/);
  });
});

describe('GIVEN a string that is not a stored value', () => {
  const storedParts = fc.constantFrom('enc', 'v1', cipherA.currentKeyId, 'AAAAAAAAAAAAAAAA', '', 'x', '==');

  it('WHEN any string is decrypted THEN decrypt throws a DecryptionError and nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        decryptionErrorOf(() => cipherA.decrypt(text, context));
      }),
    );
  });

  it('WHEN a string assembled from stored-value parts is decrypted THEN decrypt throws a DecryptionError', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(storedParts, fc.string()), { maxLength: 7 }), (parts) => {
        decryptionErrorOf(() => cipherA.decrypt(parts.join(':'), context));
      }),
    );
  });

  it.each([
    ['a plaintext value', 'BQD-spotify-access-token'],
    ['a missing ciphertext', `enc:v1:${cipherA.currentKeyId}:AAAAAAAAAAAAAAAA`],
    ['a ciphertext shorter than the tag', `enc:v1:${cipherA.currentKeyId}:AAAAAAAAAAAAAAAA:AAAA`],
    ['an 11-byte nonce', `enc:v1:${cipherA.currentKeyId}:${'A'.repeat(15)}:${'A'.repeat(22)}`],
    ['an uppercase key id', `enc:v1:ABCDEF12:AAAAAAAAAAAAAAAA:${'A'.repeat(22)}`],
    ['a 9-character key id', `enc:v1:${cipherA.currentKeyId}0:AAAAAAAAAAAAAAAA:${'A'.repeat(22)}`],
    ['standard base64 characters', `enc:v1:${cipherA.currentKeyId}:AAAAAAAAAAAAAAA+:${'A'.repeat(22)}`],
    ['a non-canonical base64url tail', `enc:v1:${cipherA.currentKeyId}:AAAAAAAAAAAAAAAA:${'A'.repeat(21)}B`],
    ['an extra field', `enc:v1:${cipherA.currentKeyId}:AAAAAAAAAAAAAAAA:${'A'.repeat(22)}:x`],
  ])('WHEN it has %s THEN decrypt throws MALFORMED and isEncrypted is false', (_case, text) => {
    expect(decryptionErrorOf(() => cipherA.decrypt(text, context)).code).toBe('MALFORMED');
    expect(cipherA.isEncrypted(text)).toBe(false);
    expect(cipherA.keyIdOf(text)).toBeUndefined();
  });
});

describe('GIVEN isEncrypted and keyIdOf', () => {
  it('WHEN given a value another key wrote THEN isEncrypted is true and keyIdOf names that key', () => {
    const other = createFieldCipher({ currentKey: keyB });
    const stored = other.encrypt('token', context);
    expect(cipherA.isEncrypted(stored)).toBe(true);
    expect(cipherA.keyIdOf(stored)).toBe(other.currentKeyId);
  });
});
