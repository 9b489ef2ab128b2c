import { describe, expect, it } from 'vitest';
import { emotionTags } from '../../../commands/emotion-tags.js';
import mood from '../../../commands/mood.js';
import { MAX_EMOTION_LENGTH, MAX_EMOTIONS, MAX_NOTE_LENGTH } from '../../../src/services/import/types.js';

describe("imported entries keep /mood's limits", () => {
  it("GIVEN /mood's emotions option THEN an import keeps at most as many tags, as long, as it takes", () => {
    expect({ max: MAX_EMOTIONS, maxLength: MAX_EMOTION_LENGTH }).toEqual(emotionTags.bounds);
  });

  it("GIVEN /mood's note option THEN an import cuts notes at its limit", () => {
    const note = mood.options.note;
    expect(note.kind === 'text' && note.bounds.max).toBe(MAX_NOTE_LENGTH);
  });
});
