import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { newAccount, useApp } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

const CARE_FIELD = 'You are not alone';

function careText(result: Outcome): string | undefined {
  return result.reply.fields?.find((f) => f.name === CARE_FIELD)?.value;
}

describeEachDatabase('/mood care resources', (getDb) => {
  const app = useApp(getDb);

  it.each([1, 2])('GIVEN a score of %i THEN the answer adds the helpline resources', async (score) => {
    const result = await app().run(`/mood ${score}`, newAccount());

    expect(result.outcome).toBe('ok');
    expect(careText(result)).toContain('findahelpline.com');
    expect(careText(result)).toContain('988');
    expect(result.reply.color).toBe('warning');
  });

  it('GIVEN a score of 3 without crisis words THEN the answer has no helpline resources', async () => {
    const result = await app().run('/mood 3 tired -- rough day at work', newAccount());

    expect(careText(result)).toBeUndefined();
    expect(result.reply.color).toBe('success');
  });

  it('GIVEN a score of 7 with the note "I want to end my life" THEN the answer adds the helpline resources', async () => {
    const result = await app().run('/mood 7 -- I want to end my life', newAccount());

    expect(careText(result)).toContain('findahelpline.com');
    expect(careText(result)).toContain('988');
  });

  it('GIVEN crisis words in an emotion tag THEN the answer adds the helpline resources', async () => {
    const result = await app().run('/mood 6 suicidal', newAccount());

    expect(careText(result)).toContain('findahelpline.com');
  });

  it('GIVEN helpline resources THEN the entry is still stored like any other', async () => {
    const result = await app().run('/mood 1 hopeless', newAccount());

    expect(result.reply.title).toBe('Mood logged: 1/10');
    expect(result.reply.visibility).toBe('private');
  });

  describe('with CARE_RESOURCES text configured', () => {
    const custom = 'Call the Example Helpline on 0800 123 456, any time.';
    const withCustomText = useApp(getDb, { careText: custom });

    it('GIVEN a score of 1 THEN the configured text is shown instead of the default', async () => {
      const result = await withCustomText().run('/mood 1', newAccount());

      expect(careText(result)).toBe(custom);
    });
  });
});
