/** `npm run db:migrate` and `npm run db:push`: db-migrate-main.ts on this process (tests run that module in theirs). */
import { main } from './db-migrate-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
