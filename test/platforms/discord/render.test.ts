import { describe, expect, it } from 'vitest';
import { type Reply, reply } from '../../../src/core/commands/index.js';
import {
  buttonCustomId,
  commandOfAction,
  MESSAGE_LIMITS,
  parseButtonCustomId,
  renderFormModal,
  renderMessage,
  renderReply,
} from '../../../src/platforms/discord/render.js';
import { messageBodySchema } from '../../fakes/discord/schemas.js';

const now = new Date('2026-03-01T12:00:00Z');
const later = new Date('2026-03-01T12:05:00Z');

describe('rendering a Reply for Discord', () => {
  it('GIVEN a private reply THEN the first answer carries the ephemeral flag (64) and mentions are off', () => {
    const rendered = renderReply(reply.private('Saved.'), { now });
    expect(rendered.flags).toBe(64);
    expect(rendered.allowedMentions).toEqual({ parse: [] });
  });

  it('GIVEN a public reply THEN the answer has no ephemeral flag and mentions are still off', () => {
    const rendered = renderReply(reply.public('Hello all'), { now });
    expect(rendered).not.toHaveProperty('flags');
    expect(rendered.allowedMentions).toEqual({ parse: [] });
  });

  it('GIVEN an edit or a DM THEN the message has no flags (they cannot change) and mentions are off', () => {
    const rendered = renderMessage(reply.private('x'), { now });
    expect(rendered).not.toHaveProperty('flags');
    expect(rendered.allowedMentions).toEqual({ parse: [] });
  });

  it('GIVEN title, text, fields and a colour THEN they become one embed', () => {
    const rendered = renderMessage(
      {
        visibility: 'private',
        title: 'Mood logged: 6/10',
        text: 'Saved 6/10.',
        fields: [
          { name: 'Today', value: '6.0', inline: true },
          { name: 'Trend', value: '' },
        ],
        color: 'success',
      },
      { now },
    );
    expect(rendered.embeds).toEqual([
      {
        title: 'Mood logged: 6/10',
        description: 'Saved 6/10.',
        fields: [
          { name: 'Today', value: '6.0', inline: true },
          { name: 'Trend', value: '\u200b' },
        ],
        color: 0x57f287,
      },
    ]);
  });

  it("GIVEN text, fields and titles far beyond Discord's limits THEN everything is clipped to them", () => {
    const huge = 'x'.repeat(10_000);
    const rendered = renderMessage(
      {
        visibility: 'private',
        title: huge,
        text: huge,
        fields: Array.from({ length: 40 }, (_, i) => ({ name: `${i}${huge}`, value: huge })),
      },
      { now },
    );
    const body = messageBodySchema.parse({ embeds: rendered.embeds });
    const embed = body.embeds?.[0];
    expect(embed?.title?.length).toBeLessThanOrEqual(MESSAGE_LIMITS.embedTitle);
    expect(embed?.description?.length).toBeLessThanOrEqual(MESSAGE_LIMITS.embedDescription);
    expect(embed?.fields?.length).toBeLessThanOrEqual(MESSAGE_LIMITS.embedFields);
    const total =
      (embed?.title?.length ?? 0) +
      (embed?.description?.length ?? 0) +
      (embed?.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(MESSAGE_LIMITS.embedTotal);
  });

  it('GIVEN a note that mentions @everyone and a user THEN it is shown as text and nothing is allowed to ping', () => {
    const rendered = renderReply(reply.private('@everyone <@123456789012345678> <@&1>'), { now });
    expect(rendered.embeds[0]?.description).toContain('@everyone');
    expect(rendered.allowedMentions.parse).toEqual([]);
  });

  it('GIVEN files THEN each becomes an attachment with its name and bytes', () => {
    const rendered = renderMessage(
      {
        visibility: 'private',
        text: 'Your data',
        files: [
          { name: 'a.csv', contentType: 'text/csv', data: 'a,b\n1,2\n' },
          { name: 'b.png', contentType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) },
        ],
      },
      { now },
    );
    expect(rendered.files.map((f) => f.name)).toEqual(['a.csv', 'b.png']);
    expect(rendered.files[0]?.attachment.toString('utf8')).toBe('a,b\n1,2\n');
    expect([...(rendered.files[1]?.attachment ?? [])]).toEqual([137, 80, 78, 71]);
  });

  it('GIVEN a danger button with an expiry THEN it becomes a button whose custom_id carries action and expiry', () => {
    const value: Reply = {
      visibility: 'private',
      text: 'Erase everything?',
      buttons: [
        {
          id: 'forget:ABC',
          label: 'Erase everything',
          style: 'danger',
          action: '/forget confirm:ABC',
          expiresAt: later,
        },
      ],
    };
    const rendered = renderMessage(value, { now });
    const button = rendered.components[0]?.components[0];
    expect(button).toMatchObject({ type: 2, style: 4, label: 'Erase everything' });
    expect(button?.custom_id.length).toBeLessThanOrEqual(100);
    expect(parseButtonCustomId(button?.custom_id ?? '')).toEqual({
      action: '/forget confirm:ABC',
      expiresAt: later,
    });
  });

  it('GIVEN a button that already expired THEN it is left out', () => {
    const value: Reply = {
      visibility: 'private',
      text: 'x',
      buttons: [{ id: 'b', label: 'Go', style: 'primary', action: '/help', expiresAt: now }],
    };
    expect(renderMessage(value, { now }).components).toEqual([]);
  });

  it('GIVEN an action too long for a custom_id THEN no button is made and the text says what to type', () => {
    const action = `/help ${'x'.repeat(120)}`;
    const rendered = renderMessage(
      { visibility: 'private', text: 'x', buttons: [{ id: 'b', label: 'Go', style: 'primary', action }] },
      { now },
    );
    expect(rendered.components).toEqual([]);
    expect(rendered.embeds[0]?.description).toContain(action);
  });

  it('GIVEN seven buttons THEN they are laid out five to a row', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({
      id: `b${i}`,
      label: `B${i}`,
      style: 'secondary' as const,
      action: `/help ${i}`,
    }));
    const rendered = renderMessage({ visibility: 'private', text: 'x', buttons }, { now });
    expect(rendered.components.map((row) => row.components.length)).toEqual([5, 2]);
  });

  it.each([
    ['ms:0:/help', { action: '/help', expiresAt: undefined }],
    ['other:1:/help', undefined],
    ['ms:zz:not-a-command', undefined],
  ])('GIVEN the custom_id %s THEN it parses to %o', (customId, expected) => {
    expect(parseButtonCustomId(customId)).toEqual(expected);
  });

  it('GIVEN a button without expiry THEN its custom_id round-trips with no expiry', () => {
    const id = buttonCustomId({ action: '/forget confirm:XYZ' });
    expect(id).toBe('ms:0:/forget confirm:XYZ');
    expect(commandOfAction('/forget confirm:XYZ')).toBe('/forget');
  });

  it('GIVEN an updatesMessage button THEN its custom_id says so and round-trips', () => {
    const id = buttonCustomId({ action: '/checkin 6', updatesMessage: true, expiresAt: later });
    expect(id).toMatch(/^ms:[0-9a-z]+:u:\/checkin 6$/);
    expect(parseButtonCustomId(id ?? '')).toEqual({
      action: '/checkin 6',
      expiresAt: later,
      updatesMessage: true,
    });
  });

  it("GIVEN a form button THEN its custom_id carries the form's texts and maximum, and round-trips", () => {
    const form = { title: 'Add a note', label: 'Your note', placeholder: 'What made today?', maxLength: 500 };
    const id = buttonCustomId({ action: '/checkin note prompt:12', form });
    expect(id?.length).toBeLessThanOrEqual(MESSAGE_LIMITS.customId);
    expect(parseButtonCustomId(id ?? '')).toEqual({
      action: '/checkin note prompt:12',
      expiresAt: undefined,
      updatesMessage: true,
      form,
    });
  });

  it('GIVEN a form whose texts do not all fit a custom_id THEN the placeholder goes first, then the label, and the action stays', () => {
    const form = { title: 'Add a note', label: 'L'.repeat(30), placeholder: 'P'.repeat(60), maxLength: 500 };
    const parsed = parseButtonCustomId(buttonCustomId({ action: '/checkin note prompt:12', form }) ?? '');
    expect(parsed?.action).toBe('/checkin note prompt:12');
    expect(parsed?.form).toEqual({ title: 'Add a note', label: form.label, placeholder: '', maxLength: 500 });
    const tight = parseButtonCustomId(
      buttonCustomId({ action: `/checkin note ${'x'.repeat(60)}`, form }) ?? '',
    );
    expect(tight?.form).toEqual({ title: 'Add a note', label: '', placeholder: '', maxLength: 500 });
  });

  it('GIVEN a form the custom_id left without title and label THEN its modal takes the button label for both', () => {
    const modal = renderFormModal(
      {
        action: '/checkin 6',
        expiresAt: undefined,
        form: { title: '', label: '', placeholder: '', maxLength: 300 },
      },
      'Add a note',
    );
    expect(modal).toMatchObject({
      custom_id: 'ms:0:/checkin 6',
      title: 'Add a note',
      components: [
        { type: 18, label: 'Add a note', component: { style: 2, required: true, max_length: 300 } },
      ],
    });
  });

  it('GIVEN a form button too long for any custom_id THEN the text says what to type, with the note after --', () => {
    const action = `/checkin ${'x'.repeat(120)}`;
    const form = { title: 'Add a note', label: 'Your note', maxLength: 500 };
    const rendered = renderMessage(
      {
        visibility: 'private',
        text: 'x',
        buttons: [{ id: 'b', label: 'Add a note', style: 'primary', action, form }],
      },
      { now },
    );
    expect(rendered.components).toEqual([]);
    expect(rendered.embeds[0]?.description).toContain(`${action} -- your note`);
  });
});
