/**
 * Where an encrypted value lives. It is bound into the ciphertext as associated data, so a value
 * copied to another user's row or another column fails to decrypt.
 */
export interface CipherContext {
  table: string;
  column: string;
  userId: number;
  /** A row's own key, for values that belong to no user yet (an inbox delivery): 0 as userId, then. */
  rowKey?: string;
}

/** Application-level encryption of single column values (AES-256-GCM, rotating keys). */
export interface FieldCipher {
  /** Id of the key new values are written with. */
  readonly currentKeyId: string;
  encrypt(plaintext: string, context: CipherContext): string;
  /** Throws a DecryptionError when the value was tampered with, moved, or its key is unknown. */
  decrypt(stored: string, context: CipherContext): string;
  /** True for values in this cipher's stored format (whatever key wrote them). */
  isEncrypted(stored: string): boolean;
  /** The key id a stored value was written with, or undefined when it is not in the stored format. */
  keyIdOf(stored: string): string | undefined;
}
