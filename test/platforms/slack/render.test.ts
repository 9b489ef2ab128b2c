import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Reply, reply } from '../../../src/core/commands/index.js';
import {
  decodeButtonValue,
  decodeFormMetadata,
  decodeSlackEntities,
  encodeButtonValue,
  escapeMrkdwn,
  FORM_CALLBACK_ID,
  renderFormView,
  renderSlackMessage,
} from '../../../src/platforms/slack/render.js';

const json = (value: unknown) => JSON.stringify(value);

describe('escapeMrkdwn and decodeSlackEntities', () => {
  const table: Array<[string, string]> = [
    ['<!channel>', '&lt;!channel&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt; already', '&amp;lt; already'],
    ['plain', 'plain'],
  ];
  for (const [input, escaped] of table) {
    it(`GIVEN ${JSON.stringify(input)} THEN ${JSON.stringify(escaped)}`, () => {
      expect(escapeMrkdwn(input)).toBe(escaped);
      expect(decodeSlackEntities(escaped)).toBe(input);
    });
  }

  it('GIVEN any text THEN the escaped form has no < or > and decodes back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(decodeSlackEntities(escaped)).toBe(text);
      }),
    );
  });
});

describe('renderSlackMessage', () => {
  it('GIVEN a reply with title, text and fields THEN a header, a section, inline fields side by side and full-width fields', () => {
    const message = renderSlackMessage(
      reply.private({
        title: 'Mood logged: 6/10',
        text: 'Saved 6/10 — tired.',
        fields: [
          { name: 'Today', value: '6.0', inline: true },
          { name: '7-day average', value: '5.5', inline: true },
          { name: 'Trend', value: 'steady' },
        ],
      }),
    );
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section']);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Mood logged: 6/10', emoji: true },
    });
    expect(json(message.blocks[2])).toContain('"fields"');
    expect(json(message.blocks[2])).toContain('*Today*\\n6.0');
    expect(json(message.blocks[3])).toContain('*Trend*\\nsteady');
    expect(message.text).toContain('Mood logged: 6/10');
    expect(message.text).toContain('Trend: steady');
  });

  it('GIVEN user text with mentions in the text, a field and a field name THEN no block and not the fallback text carries a mention', () => {
    const message = renderSlackMessage(
      reply.private({
        text: 'note: <!channel> hello',
        fields: [
          { name: '<!here>', value: '<@U123> & <#C1>', inline: true },
          { name: 'Latest', value: '<!everyone>' },
        ],
      }),
    );
    const all = json(message);
    for (const raw of ['<!channel>', '<!here>', '<@U123>', '<#C1>', '<!everyone>'])
      expect(all).not.toContain(raw);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;@U123&gt; &amp; &lt;#C1&gt;');
  });

  it('GIVEN a button with an expiry THEN an actions block whose value carries the command and expiry, and a context line with a date token', () => {
    const expiresAt = new Date('2030-01-01T12:05:00Z');
    const message = renderSlackMessage(
      reply.private({
        title: 'Erase everything?',
        text: 'Sure?',
        buttons: [
          {
            id: 'forget:ABC',
            label: 'Erase everything',
            style: 'danger',
            action: '/forget confirm:ABC',
            expiresAt,
          },
        ],
      }),
      { now: new Date('2030-01-01T12:00:00Z') },
    );
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [
        { type: 'button', action_id: 'ms:0:forget:ABC', style: 'danger', text: { text: 'Erase everything' } },
      ],
    });
    const value = json(actions).match(/"value":"((?:[^"\\]|\\.)*)"/)?.[1];
    expect(decodeButtonValue(JSON.parse(`"${value}"`))).toEqual({
      c: '/forget confirm:ABC',
      x: expiresAt.getTime(),
    });
    const context = message.blocks.at(-1);
    expect(json(context)).toContain(`<!date^${expiresAt.getTime() / 1000}^{time}|12:05 UTC>`);
    expect(message.text).toContain('[Erase everything] type: /forget confirm:ABC');
  });

  it('GIVEN a button that expired THEN neither the button nor its hint is rendered', () => {
    const message = renderSlackMessage(
      reply.private({
        text: 'Sure?',
        buttons: [{ id: 'x', label: 'Go', style: 'secondary', action: '/help', expiresAt: new Date(1000) }],
      }),
      { now: new Date(2000) },
    );
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(message.text).not.toContain('/help');
  });

  it('GIVEN a secondary button THEN it has no style (Slack knows primary and danger only)', () => {
    const message = renderSlackMessage(
      reply.private({
        text: 'x',
        buttons: [{ id: 'h', label: 'Help', style: 'secondary', action: '/help' }],
      }),
    );
    expect(json(message.blocks)).not.toContain('"style"');
  });

  it('GIVEN a files note THEN it is shown as a context line and in the fallback text, and file names are not duplicated as attachments', () => {
    const r: Reply = reply.private({
      text: 'Your data',
      files: [{ name: 'a.json', contentType: 'application/json', data: '{}' }],
    });
    const message = renderSlackMessage(r, { filesNote: 'I sent a.json to our direct messages.' });
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'I sent a.json to our direct messages.' }],
    });
    expect(message.text).toContain('I sent a.json to our direct messages.');
  });

  it("GIVEN text and fields beyond Slack's limits THEN every block stays within them, at most 50 blocks, escapes never cut", () => {
    const long = '<&>'.repeat(3000);
    const message = renderSlackMessage(
      reply.private({
        title: 'T'.repeat(400),
        text: long,
        fields: Array.from({ length: 80 }, (_, i) => ({ name: `f${i}`, value: long, inline: i % 2 === 0 })),
        buttons: [{ id: 'b', label: 'L'.repeat(200), style: 'primary', action: '/help' }],
      }),
    );
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks.at(-1)?.type).toBe('actions');
    for (const block of message.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.type === 'section') {
        if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
        expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
      }
      for (const text of json(block).match(/"text":"[^"]*"/g) ?? []) {
        // An escape is whole or absent: no '&' without its ';'.
        expect(text).not.toMatch(/&(?:a|am|l|g|lt|gt|amp)?(?=[^a-z;]|$)/);
      }
    }
    expect(message.text.length).toBeLessThanOrEqual(3900);
  });

  it('GIVEN an empty text THEN no empty section is rendered (Slack rejects those)', () => {
    const message = renderSlackMessage(reply.private({ title: 'Only a title', text: '' }));
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Only a title', emoji: true } },
    ]);
  });
});

describe('button values', () => {
  it('GIVEN a round trip THEN the command and expiry come back; anything else is rejected', () => {
    const value = encodeButtonValue({
      id: 'x',
      label: 'X',
      style: 'primary',
      action: '/forget confirm:Z',
      expiresAt: new Date(5000),
    });
    expect(decodeButtonValue(value)).toEqual({ c: '/forget confirm:Z', x: 5000 });
    expect(decodeButtonValue(undefined)).toBeUndefined();
    expect(decodeButtonValue('not json')).toBeUndefined();
    expect(decodeButtonValue('{"c":5}')).toBeUndefined();
  });
});

describe('buttons that update their message, and form buttons', () => {
  it('GIVEN an updatesMessage button THEN its value says so (u: 1)', () => {
    const value = encodeButtonValue({
      id: 'x',
      label: '6',
      style: 'primary',
      action: '/checkin 6',
      updatesMessage: true,
    });
    expect(decodeButtonValue(value)).toEqual({ c: '/checkin 6', u: 1 });
  });

  it("GIVEN a form button THEN its value carries the form within Slack's limits", () => {
    const value = encodeButtonValue({
      id: 'x',
      label: 'Add a note',
      style: 'secondary',
      action: '/checkin note prompt:12',
      form: { title: 'A title far longer than Slack allows', label: 'Your note', maxLength: 9000 },
    });
    const decoded = decodeButtonValue(value);
    expect(decoded?.c).toBe('/checkin note prompt:12');
    expect(decoded?.f).toEqual({ t: 'A title far longer than…', l: 'Your note', m: 3000 });
  });

  it('GIVEN a form THEN its modal has one required paragraph field, Save, and private_metadata that round-trips', () => {
    const metadata = { c: '/checkin 6', x: 5000, ch: 'D1', ts: '1.2' };
    const view = renderFormView({ t: 'Add a note', l: 'Your note', p: 'What made today?', m: 500 }, metadata);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: FORM_CALLBACK_ID,
      submit: { text: 'Save' },
      blocks: [{ type: 'input', element: { type: 'plain_text_input', multiline: true, max_length: 500 } }],
    });
    expect(view.blocks[0]).not.toHaveProperty('optional');
    expect(decodeFormMetadata(view.private_metadata)).toEqual(metadata);
    expect(decodeFormMetadata('{"c":5}')).toBeUndefined();
  });
});
