/** `npm run backup`: backup-main.ts on this process (tests run that module in theirs). */
import { main } from './backup-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
