import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Platform } from '../../src/core/commands/index.js';
import { mergedTables } from '../../src/db/repositories/account-merge.js';
import { readSpotifyLink, saveSpotifyLink } from '../../src/db/repositories/users.js';
import { createAppHarness, field, newAccount, textOf, userOf } from '../support/app-harness.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

const codeIn = (text: string) => /\/link redeem ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)?.[1];

describeEachDatabase('linking a Discord and a Slack account', (getDb) => {
  const setup = (clock = fixedClock(new Date())) => {
    const app = createAppHarness(getDb().db, { clock });
    const as = (platform: Platform, who: string) => (line: string) => {
      const [name, ...rest] = line.slice(1).split(' ');
      return app.dispatcher.dispatch({
        identity: { platform, workspaceId: platform === 'slack' ? 'T1' : '', externalUserId: who },
        command: name!,
        input: { text: rest.join(' ') },
      });
    };
    return { app, clock, as };
  };

  it('GIVEN moods on both platforms WHEN a code from Discord is redeemed on Slack THEN one user holds both histories', async () => {
    const { app, as } = setup();
    const discord = as('discord', newAccount('d'));
    const slack = as('slack', newAccount('s'));
    await discord('/mood 7 calm');
    await slack('/mood 4 tired');
    const issued = await discord('/link new');
    const code = codeIn(textOf(issued));
    expect(code).toBeDefined();

    const linked = await slack(`/link redeem ${code}`);
    expect(linked.outcome).toBe('ok');
    expect(textOf(linked)).toMatch(/discord[\s\S]*slack/);

    const fromDiscord = await discord('/history');
    const fromSlack = await slack('/history');
    expect(userOf(fromDiscord)).toBe(userOf(fromSlack));
    expect(textOf(fromSlack)).toMatch(/over 2 entries/);
    expect(userOf(fromSlack)).toBe(userOf(issued));
    void app;
  });

  it('GIVEN another instance remembers the issuing account’s week WHEN the accounts are linked THEN its next /mood counts the moods that moved', async () => {
    const { as } = setup();
    const other = createAppHarness(getDb().db, { clock: fixedClock(new Date()) });
    const discordWho = newAccount('d');
    const onOther = await other.dispatcher.dispatch({
      identity: { platform: 'discord', workspaceId: '', externalUserId: discordWho },
      command: 'mood',
      input: { text: '7' },
    });
    expect(field(onOther, 'Today')).toBe('7.0 (1 entry)');
    const discord = as('discord', discordWho);
    const slack = as('slack', newAccount('s'));
    await slack('/mood 4');
    const code = codeIn(textOf(await discord('/link new')));
    expect((await slack(`/link redeem ${code}`)).outcome).toBe('ok');

    const next = await other.dispatcher.dispatch({
      identity: { platform: 'discord', workspaceId: '', externalUserId: discordWho },
      command: 'mood',
      input: { text: '7' },
    });

    expect(field(next, 'Today')).toBe('6.0 (3 entries)');
  });

  it('GIVEN a used code THEN it cannot be used again', async () => {
    const { as } = setup();
    const a = as('discord', newAccount('d'));
    const code = codeIn(textOf(await a('/link new')));
    await as('slack', newAccount('s'))(`/link redeem ${code}`);
    const again = await as('slack', newAccount('s2'))(`/link redeem ${code}`);
    expect(again.outcome).toBe('user_error');
    expect(textOf(again)).toMatch(/unknown, already used or expired/);
  });

  it('GIVEN a code older than 10 minutes THEN it is refused and nothing merges', async () => {
    const { as, clock } = setup();
    const discordWho = newAccount('d');
    const code = codeIn(textOf(await as('discord', discordWho)('/link new')));
    clock.advance(11 * 60_000);
    const slack = as('slack', newAccount('s'));
    const late = await slack(`/link redeem ${code}`);
    expect(textOf(late)).toMatch(/expired/);
    expect(userOf(await slack('/help'))).not.toBe(userOf(await as('discord', discordWho)('/help')));
  });

  it('GIVEN a code redeemed on the account that issued it THEN it is refused', async () => {
    const { as } = setup();
    const same = as('discord', newAccount('d'));
    const code = codeIn(textOf(await same('/link new')));
    expect(textOf(await same(`/link redeem ${code}`))).toMatch(/belongs to this account/);
  });

  it('GIVEN wrong codes THEN attempts are limited per user', async () => {
    const { as } = setup();
    const guesser = as('slack', newAccount('s'));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(textOf(await guesser('/link redeem AAAA-AAAA')));
    expect(answers.slice(0, 5).every((a) => /unknown/.test(a))).toBe(true);
    expect(answers[5]).toMatch(/Too many attempts/);
  });

  it('GIVEN a linked pair WHEN Slack is unlinked THEN Slack starts a new history and Discord keeps the old one', async () => {
    const { as } = setup();
    const discord = as('discord', newAccount('d'));
    const slack = as('slack', newAccount('s'));
    await discord('/mood 6');
    await slack(`/link redeem ${codeIn(textOf(await discord('/link new')))}`);
    const owner = userOf(await discord('/help'));
    expect((await discord('/link unlink slack')).outcome).toBe('ok');
    const fresh = await slack('/history');
    expect(userOf(fresh)).not.toBe(owner);
    expect(textOf(fresh)).toMatch(/No moods logged/);
    expect(textOf(await discord('/link unlink discord'))).toMatch(/without any account/);
  });

  it('GIVEN two linked console accounts WHEN one types /link unlink console THEN the other is detached and this one keeps the data', async () => {
    const { as } = setup();
    const alice = as('console', newAccount('alice'));
    const bob = as('console', newAccount('bob'));
    await alice('/mood 6');
    await bob(`/link redeem ${codeIn(textOf(await alice('/link new')))}`);
    const owner = userOf(await alice('/help'));

    const unlinked = await alice('/link unlink console');

    expect(unlinked.outcome).toBe('ok');
    expect(textOf(unlinked)).toMatch(/No longer linked: console\. Your data stays with this account/);
    expect(userOf(await alice('/help'))).toBe(owner);
    const fresh = await bob('/history');
    expect(userOf(fresh)).not.toBe(owner);
    expect(textOf(fresh)).toMatch(/No moods logged/);
  });

  it('GIVEN a single account WHEN it types /link unlink for its own platform THEN the answer says it is the only account', async () => {
    const { as } = setup();
    const alone = as('console', newAccount('alone'));

    const refused = await alone('/link unlink console');

    expect(refused.outcome).toBe('user_error');
    expect(textOf(refused)).toMatch(
      /^Your console account is the only account linked to your data, so unlinking it would leave your data without any account\./,
    );
  });

  it('GIVEN the redeeming account has Spotify tokens THEN they move to the merged user and still decrypt', async () => {
    const { app, as } = setup();
    const discord = as('discord', newAccount('d'));
    const slack = as('slack', newAccount('s'));
    const slackUser = userOf(await slack('/help'));
    await saveSpotifyLink(app.db, app.cipher, slackUser, {
      spotifyId: 'sp',
      accessToken: 'acc',
      refreshToken: 'ref',
    });
    const code = codeIn(textOf(await discord('/link new')));
    const { userId } = await app.services.links.redeem(slackUser, code!);
    expect(await readSpotifyLink(app.db, app.cipher, userId)).toEqual({
      spotifyId: 'sp',
      accessToken: 'acc',
      refreshToken: 'ref',
    });
  });

  it('THEN merging handles every table that has a user_id', async () => {
    const rows = await queryRows<{ table_name: string }>(
      getDb().db,
      sql`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'user_id'`,
    );
    expect(
      rows.map((r) => r.table_name).sort(),
      'A table with a user_id column must be merged by /link: add it to mergedTables and to mergeUsers in ' +
        'src/db/repositories/account-merge.ts (see CONTRIBUTING.md, "Adding a table")',
    ).toEqual([...mergedTables].sort());
  });
});

describeEachDatabase('a direct message that could not be delivered', (getDb) => {
  it('GIVEN a platform refused a DM WHEN the user next runs a command THEN the answer says so once', async () => {
    const app = createAppHarness(getDb().db);
    const who = newAccount('dm');
    await app.run('/help', who, 'discord');
    await app.services.settings.markDirectMessagesBlocked({
      platform: 'discord',
      workspaceId: '',
      externalUserId: who,
    });
    const first = await app.run('/mood 6', who, 'discord');
    expect(textOf(first)).toMatch(/could not send you a direct message/);
    const second = await app.run('/mood 6', who, 'discord');
    expect(textOf(second)).not.toMatch(/could not send you a direct message/);
  });
});
