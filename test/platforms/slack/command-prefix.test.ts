import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../commands/index.js';
import { commandNameOf, createCommandRenamer } from '../../../src/platforms/slack/command-names.js';
import { post, signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  entriesOfSlackUser,
  SIGNING_SECRET,
  type SlackRig,
  startSlackRig,
  waitForResponse,
} from './slack-support.js';

const names = createRegistry()
  .all()
  .map((command) => command.name);
const rename = createCommandRenamer({ prefix: 'ms-', names });

describe('GIVEN SLACK_COMMAND_PREFIX=ms- and a text that names commands', () => {
  it('THEN a command in backticks, at the start or after a space gets the prefix', () => {
    expect(rename('Log one with `/mood 6 tired`.')).toBe('Log one with `/ms-mood 6 tired`.');
    expect(rename('/history 30')).toBe('/ms-history 30');
    expect(rename('Commands: /mood, /channel-digest, /help.')).toBe(
      'Commands: /ms-mood, /ms-channel-digest, /ms-help.',
    );
  });

  it('THEN paths, links and words that only start like a command stay as written', () => {
    expect(rename('Europe/Berlin')).toBe('Europe/Berlin');
    expect(rename('https://example.org/mood/help')).toBe('https://example.org/mood/help');
    expect(rename('/moods and /mood-board')).toBe('/moods and /mood-board');
    expect(rename('/invite @MoodScale')).toBe('/invite @MoodScale');
  });

  it('THEN a command arriving with or without the prefix is the declared name', () => {
    expect(commandNameOf('/ms-mood', 'ms-')).toBe('mood');
    expect(commandNameOf('/mood', 'ms-')).toBe('mood');
    expect(commandNameOf('/MS-History', 'ms-')).toBe('history');
    expect(commandNameOf('/mood', '')).toBe('mood');
  });
});

describeEachDatabase('Slack adapter with SLACK_COMMAND_PREFIX=ms-', (getDb) => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'http', { commandPrefix: 'ms-' });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('GIVEN /ms-mood 6 tired THEN the mood is stored', async () => {
    const command = slashCommand({
      command: '/ms-mood',
      text: '6 tired',
      response_url: rig.fake.responseUrl(),
    });
    expect((await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...command }))).status).toBe(200);
    const answer = await waitForResponse(rig.fake, command.response_url);
    expect(answer.body.text).toContain('Mood logged: 6/10');
    expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
  });

  it('GIVEN /ms-help THEN the answer names every command as the workspace types it', async () => {
    const command = slashCommand({ command: '/ms-help', text: '', response_url: rig.fake.responseUrl() });
    await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...command }));
    const text = allText({ blocks: (await waitForResponse(rig.fake, command.response_url)).body.blocks });
    for (const name of names) expect(text).toContain(`/ms-${name}`);
    expect(text).not.toMatch(/(^|\s)\/mood\b/);
  });
});
