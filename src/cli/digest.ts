/** `npm run digest`: digest-main.ts on this process (tests run that module in theirs). */
import { main } from './digest-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
