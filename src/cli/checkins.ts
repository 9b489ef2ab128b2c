/** `npm run checkins`: checkins-main.ts on this process (tests run that module in theirs). */
import { main } from './checkins-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
