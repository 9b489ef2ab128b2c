import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.js';

/**
 * The flags `npm run digest` and `npm run checkins` share (`--user ID ...`, `--dry-run`, `--help`) plus
 * each one's own string flag; anything else is refused with the script's usage.
 */
export interface RunFlags {
  value: string | undefined;
  users: number[] | undefined;
  dryRun: boolean;
  help: boolean;
}

export function parseRunFlags(args: string[], own: string, usage: string): RunFlags {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        [own]: { type: 'string' },
        user: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`, 'BAD_FLAGS');
  }
  const value = values[own];
  const user = values.user;
  return {
    value: typeof value === 'string' ? value : undefined,
    users: Array.isArray(user) ? user.map((id) => userIdOf(String(id))) : undefined,
    dryRun: values['dry-run'] === true,
    help: values.help === true,
  };
}

/** A --user value: a MoodScale user id. Ids are PostgreSQL integers: a larger number names no user. */
function userIdOf(raw: string): number {
  if (!/^\d{1,10}$/.test(raw.trim()))
    throw new UserError(`--user expects a numeric user id (got ${JSON.stringify(raw)})`, 'BAD_FLAGS');
  if (Number(raw) > 2_147_483_647) throw new UserError(`No such user: ${raw.trim()}.`, 'UNKNOWN_USER');
  return Number(raw);
}
