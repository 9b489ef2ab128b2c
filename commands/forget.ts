import { opt, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import { defineCommand } from './define.js';

const PURPOSE = 'forget';

export default defineCommand({
  name: 'forget',
  description: 'Erase everything MoodScale stores about you (asks for confirmation first)',
  usageExample: '/forget',
  options: {
    confirm: opt.text({
      description: 'The confirmation code /forget gave you',
      label: 'confirmation code',
      max: 16,
    }),
  },
  async run({ user, options }, { privacy, confirmations }) {
    if (!options.confirm) {
      const { code, expiresAt } = confirmations.issue(user.id, PURPOSE);
      return reply.private({
        title: 'Erase everything?',
        text:
          'This permanently erases your mood entries, notes, music, recommendations, insights, settings and ' +
          'linked accounts. It cannot be undone; `/export` first if you want a copy. ' +
          `To confirm, press the button or type \`/forget confirm:${code}\` within 5 minutes.`,
        buttons: [
          {
            id: `forget:${code}`,
            label: 'Erase everything',
            style: 'danger',
            action: `/forget confirm:${code}`,
            expiresAt,
          },
        ],
        color: 'danger',
      });
    }
    if (!confirmations.verify(user.id, PURPOSE, options.confirm)) {
      throw new UserError(
        'That confirmation code is wrong or has expired, so nothing was erased. Run `/forget` again for a new one.',
        'CONFIRMATION_INVALID',
      );
    }
    await privacy.forget(user.id);
    return reply.private({
      title: 'Erased',
      text: 'Everything MoodScale stored about you has been erased. If you use a command again, you start fresh.',
      color: 'success',
    });
  },
});
