import { opt } from '../src/core/commands/index.js';
import { emotionVocabulary } from '../src/services/mood/emotions.js';

/** Emotion tags as /mood takes them; a check-in's quick picks and "Other…" are checked the same way. */
export const emotionTags = opt.tags({
  description: 'Emotion tags, e.g. tired, anxious',
  label: 'emotions',
  max: 10,
  maxLength: 32,
  vocabulary: emotionVocabulary,
});
