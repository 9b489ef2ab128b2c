/** `npm run keys:rotate`: keys-rotate-main.ts on this process (tests run that module in theirs). */
import { main } from './keys-rotate-main.js';
import { runAsProcess } from './process-entry.js';

await runAsProcess(main);
