/** `npm run db:rollback`: db-rollback-main.ts on this process (tests run that module in theirs). */
import { main } from './db-rollback-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
