/** `npm run restore`: restore-main.ts on this process (tests run that module in theirs). */

import { runAsProcess } from './process-entry.js';
import { main } from './restore-main.js';

await runAsProcess(main);
