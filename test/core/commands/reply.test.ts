import { describe, expect, it } from 'vitest';
import { type Reply, renderPlainText, reply } from '../../../src/core/commands/reply.js';

describe('reply builders', () => {
  it('GIVEN text THEN reply.private makes a private reply of it', () => {
    expect(reply.private('Saved.')).toStrictEqual({ visibility: 'private', text: 'Saved.' });
  });

  it('GIVEN a partial reply THEN reply.public keeps every part and makes it public', () => {
    expect(reply.public({ title: 'Week', text: 'Good week', color: 'success' })).toStrictEqual({
      visibility: 'public',
      title: 'Week',
      text: 'Good week',
      color: 'success',
    });
  });

  it('GIVEN a message THEN reply.error is private and coloured danger', () => {
    expect(reply.error('The score is a whole number from 1 to 10 (you wrote 11).')).toStrictEqual({
      visibility: 'private',
      text: 'The score is a whole number from 1 to 10 (you wrote 11).',
      color: 'danger',
    });
  });

  it('GIVEN an error reply with its own colour THEN that colour is kept', () => {
    expect(reply.error({ text: 'Careful', color: 'warning' }).color).toBe('warning');
  });
});

describe('renderPlainText', () => {
  const full: Reply = {
    visibility: 'private',
    title: 'Forget everything?',
    text: 'This deletes your moods and notes.',
    fields: [
      { name: 'Moods', value: '42' },
      { name: 'Notes', value: 'first line\nsecond line', inline: true },
    ],
    files: [{ name: 'moods.csv', contentType: 'text/csv', data: 'date,score\n' }],
    buttons: [
      { id: 'yes', label: 'Confirm', style: 'danger', action: '/forget confirm' },
      {
        id: 'old',
        label: 'Old',
        style: 'secondary',
        action: '/old',
        expiresAt: new Date('2025-01-01T00:00:00Z'),
      },
    ],
  };

  it('GIVEN a full reply THEN title, text, fields, files and button hints appear in that order', () => {
    expect(renderPlainText(full)).toBe(
      [
        'Forget everything?',
        'This deletes your moods and notes.',
        '',
        'Moods: 42',
        'Notes: first line',
        '  second line',
        '',
        'Attached: moods.csv',
        '',
        '[Confirm] type: /forget confirm',
        '[Old] type: /old',
      ].join('\n'),
    );
  });

  it('GIVEN the current time THEN expired buttons are left out', () => {
    const text = renderPlainText(full, { now: new Date('2025-06-01T00:00:00Z') });
    expect(text).toContain('[Confirm] type: /forget confirm');
    expect(text).not.toContain('/old');
  });

  it('GIVEN a form button THEN its hint says to type the action, --, and the placeholder (or label) in lower case', () => {
    const form = { title: 'Add a note', label: 'Your note', maxLength: 500 };
    const text = renderPlainText({
      visibility: 'private',
      text: 'Logged 6.',
      buttons: [
        { id: 'a', label: 'Add a note', style: 'secondary', action: '/checkin note prompt:12', form },
        {
          id: 'b',
          label: 'Say more',
          style: 'secondary',
          action: '/checkin note prompt:13',
          form: { ...form, placeholder: 'What made today?' },
        },
      ],
    });
    expect(text).toContain('[Add a note] type: /checkin note prompt:12 -- your note');
    expect(text).toContain('[Say more] type: /checkin note prompt:13 -- what made today?');
  });

  it('GIVEN only text THEN only the text is rendered', () => {
    expect(renderPlainText(reply.private('Saved.'))).toBe('Saved.');
  });
});
