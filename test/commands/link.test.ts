import { expect, it } from 'vitest';
import type { Platform } from '../../src/core/commands/index.js';
import { field, newAccount, textOf, useApp } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

const codeIn = (text: string) => /\/link redeem ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)?.[1];

describeEachDatabase('/link answers, worded for where the user is', (getDb) => {
  const app = useApp(getDb);
  const on =
    (platform: Platform, who = newAccount(platform)) =>
    (line: string) =>
      app().run(line, who, platform);

  /** A Discord and a Slack account joined into one user; `discord` and `slack` run lines as each. */
  async function linkedPair() {
    const discord = on('discord');
    const slack = on('slack');
    await slack(`/link redeem ${codeIn(textOf(await discord('/link new')))}`);
    return { discord, slack };
  }

  it('GIVEN /link on Discord THEN it says to join the Slack account, without "Discord or Slack"', async () => {
    const text = textOf(await on('discord')('/link'));

    expect(text).toContain('To join your Slack account (or another Discord account) to this one');
    expect(text).not.toContain('Discord or Slack');
    expect(text).not.toContain('the other platform');
  });

  it('GIVEN /link on Slack THEN it says to join the Discord account, or one in another Slack workspace', async () => {
    const text = textOf(await on('slack')('/link'));

    expect(text).toContain(
      'To join your Discord account (or your account in another Slack workspace) to this one',
    );
  });

  it('GIVEN /link in the console THEN it names Discord or Slack, and how to be another console name', async () => {
    const text = textOf(await on('console')('/link'));

    expect(text).toContain('To join your Discord or Slack account (or another console name');
    expect(text).toContain('npm start -- --user NAME');
  });

  it('GIVEN /link new on Discord THEN the code is to be typed from the Slack account', async () => {
    const text = textOf(await on('discord')('/link new'));

    expect(text).toMatch(
      /Type `\/link redeem [A-Z0-9]{4}-[A-Z0-9]{4}` from your Slack account \(or another Discord account\) within 10 minutes/,
    );
  });

  it('GIVEN /link new on Slack THEN the code is to be typed from the Discord account', async () => {
    const text = textOf(await on('slack')('/link new'));

    expect(text).toContain('from your Discord account (or your account in another Slack workspace)');
    expect(text).not.toContain('Discord or Slack');
  });

  it('GIVEN a linked Discord and Slack account WHEN /link runs on Slack THEN the Slack account is marked as this one', async () => {
    const { slack } = await linkedPair();

    const accounts = field(await slack('/link'), 'Accounts').split('\n');

    expect(accounts).toHaveLength(2);
    expect(accounts.find((line) => line.startsWith('slack'))).toMatch(/— this account$/);
    expect(accounts.find((line) => line.startsWith('discord'))).not.toContain('this account');
  });

  it('GIVEN a single console account WHEN /link unlink names no platform THEN it says there is nothing to unlink', async () => {
    const answer = await on('console')('/link unlink');

    expect(answer.outcome).toBe('user_error');
    expect(textOf(answer)).toContain(
      'Only this console account holds your data, so there is nothing to unlink',
    );
  });

  it('GIVEN a linked Discord and Slack account WHEN /link unlink names no platform THEN it offers exactly those two', async () => {
    const { discord } = await linkedPair();

    const answer = await discord('/link unlink');

    expect(answer.outcome).toBe('user_error');
    expect(textOf(answer)).toContain(
      'Say which platform to unlink: `/link unlink discord` or `/link unlink slack`.',
    );
  });

  it('GIVEN /link unlink with a platform MoodScale does not have THEN it says so by name', async () => {
    const { slack } = await linkedPair();

    const text = textOf(await slack('/link unlink teams'));

    expect(text).toContain('MoodScale has no platform called "teams".');
    expect(text).toContain('`/link unlink discord` or `/link unlink slack`');
  });

  it('GIVEN a code redeemed on the account that made it THEN the answer names no platform', async () => {
    const discord = on('discord');
    const code = codeIn(textOf(await discord('/link new')));

    const text = textOf(await discord(`/link redeem ${code}`));

    expect(text).toContain('That code belongs to this account: redeem it from the account you want to join');
    expect(text).not.toMatch(/Discord|Slack/);
  });
});
