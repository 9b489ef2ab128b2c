import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import { createUser } from '../../src/db/repositories/users.js';
import type { User } from '../../src/db/schema/index.js';

/** A user with a unique name, so tests sharing one database never collide. */
export function newUser(db: Db, prefix = 'user'): Promise<User> {
  return createUser(db, `${prefix}_${randomBytes(5).toString('hex')}`);
}

/** Strings that have broken other systems; each must be stored and read back verbatim. */
export const naughtyStrings: readonly string[] = [
  "Robert'); DROP TABLE users;--",
  "' OR '1'='1",
  '"; DELETE FROM mood_entries; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} is the point of this string
  '$1 $2 \\x00 %s %n {{7*7}} ${process.env}',
  '😀🎵🔥 Ünïcödé 日本語 👩‍👩‍👧‍👦',
  '\u202Eright-to-left override\u202C and \u200Fmark\u200E',
  'zero\u200Bwidth\u200Cjoiner\u200Dhere\uFEFF',
  'مرحبا بالعالم',
  '<script>alert(1)</script>',
  '@everyone <@123456789> <!channel>',
  '\t tabs and\nnewlines\r\n',
  'x'.repeat(100_000),
];
