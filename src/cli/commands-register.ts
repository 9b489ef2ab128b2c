/** `npm run commands:register`: commands-register-main.ts on this process (tests run that module in theirs). */
import { main } from './commands-register-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
