import { createCommandFactory } from '../src/core/commands/index.js';
import type { Services } from '../src/services/services.js';

/** defineCommand with MoodScale's services, so command files get typed options and services. */
export const defineCommand = createCommandFactory<Services>();
