/** `npm run slack:manifest`: slack-manifest-main.ts on this process (tests run that module in theirs). */

import { runAsProcess } from './process-entry.js';
import { main } from './slack-manifest-main.js';

await runAsProcess(main);
