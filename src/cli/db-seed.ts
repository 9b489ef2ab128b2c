/** `npm run db:seed`: db-seed-main.ts on this process (tests run that module in theirs). */
import { main } from './db-seed-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
