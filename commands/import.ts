import { opt, type Platform, type Reply, type ReplyButton, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import type { ImportOutcome, ImportPreview } from '../src/services/import/import-service.js';
import { defineCommand } from './define.js';
import { plural } from './format.js';

/** How many problem lines a preview lists before "and N more". */
const PROBLEMS_SHOWN = 8;

/** How to give /import its file, where the command ran. */
const HOW_TO_GIVE_A_FILE: Record<Platform, string> = {
  discord: 'Attach the file to `/import` (its **file** option) and send it.',
  slack:
    'Share the file in your direct message with MoodScale (the Messages tab), then run `/import` within 30 minutes.',
  console: 'Give its path: `/import ~/Downloads/daylio_export.csv`.',
};

const FORMATS =
  'I read a Daylio CSV export (Daylio: More → Export entries → CSV), a MoodScale `/export` JSON file, ' +
  'or a CSV with the columns `date,score,tags,note`.';

export default defineCommand({
  name: 'import',
  description: 'Bring moods in from Daylio, a MoodScale export or a CSV: a preview first, then confirm',
  usageExample: '/import',
  slow: true,
  options: {
    file: opt.file({ description: 'A Daylio CSV export, a MoodScale export (JSON) or a date,score CSV' }),
    action: opt.text({
      description: 'confirm, cancel or map (the preview’s buttons type these); --yes imports without asking',
      label: 'what to do',
      max: 20,
    }),
    id: opt.integer({
      description: 'The import the preview named',
      label: 'import number',
      min: 1,
      max: 2 ** 31 - 1,
    }),
    score: opt.integer({ description: 'The score for a Daylio mood (with map)', min: 1, max: 10 }),
    mood: opt.text({
      description: 'The Daylio mood to give a score (with map)',
      label: 'mood name',
      max: 100,
    }),
  },
  async run({ user, options, platform }, { imports }) {
    const who = { id: user.id, timeZone: user.timeZone, platform };
    const action = options.action?.trim().toLowerCase();
    switch (action) {
      case 'confirm':
        return outcomeReply(await imports.confirm(who, idOf(options.id)));
      case 'cancel':
        return (await imports.cancel(who, idOf(options.id)))
          ? reply.private({ title: 'Import cancelled', text: 'Nothing was saved. The file is not kept.' })
          : reply.private({ title: 'Nothing to cancel', text: 'That import is not waiting any more.' });
      case 'map': {
        if (options.mood === undefined || options.score === undefined) {
          throw new UserError(
            'Say which mood and its score: `/import action:map id:12 mood:sleepy score:4`.',
            'MISSING_MAPPING',
          );
        }
        return previewReply(await imports.mapMood(who, idOf(options.id), options.mood, options.score));
      }
      case undefined:
      case '':
      case '--yes':
      case 'yes': {
        if (!options.file) {
          throw new UserError(`Which file? ${HOW_TO_GIVE_A_FILE[platform]} ${FORMATS}`, 'MISSING_FILE');
        }
        const bytes = await options.file.read(imports.limits.maxBytes);
        const preview = await imports.preview(who, { name: options.file.name, bytes });
        if (action === undefined || action === '') return previewReply(preview);
        if (preview.unmapped.length > 0) {
          const shown = previewReply(preview);
          return {
            ...shown,
            text: `${shown.text}\nNot imported yet: every mood needs a score first (below), then Import.`,
          };
        }
        return outcomeReply(await imports.confirm(who, preview.id), preview);
      }
      default:
        throw new UserError(
          `I don't know "${options.action}" for /import. Give a file (${HOW_TO_GIVE_A_FILE[platform]}), ` +
            'or use the buttons of its preview (confirm, cancel, map).',
          'UNKNOWN_ACTION',
        );
    }
  },
});

function idOf(id: number | undefined): number {
  if (id === undefined) {
    throw new UserError(
      'Which import? The preview’s buttons say it, e.g. `/import action:confirm id:12`.',
      'MISSING_ID',
    );
  }
  return id;
}

const formatName = { daylio: 'Daylio export', csv: 'CSV', moodscale: 'MoodScale export' } as const;

/** A parse-text value: quoted when it holds anything but letters, digits, - and _. */
const quoted = (text: string) => (/^[\w-]+$/u.test(text) ? text : `"${text.replace(/["\\]/g, '\\$&')}"`);

export function previewReply(preview: ImportPreview): Reply {
  const span = preview.from && preview.to ? ` from ${preview.from} to ${preview.to}` : '';
  const lines = [
    `${formatName[preview.format]}: ${plural(preview.readable, 'entry', 'entries')}${span}.`,
    preview.alreadyThere > 0
      ? `${plural(preview.alreadyThere, 'entry is', 'entries are')} in your history already (the same time and score) and will be skipped.`
      : '',
    preview.toAdd > 0
      ? `**${plural(preview.toAdd, 'new entry', 'new entries')}** will be added. Nothing is saved until you confirm; the preview lasts 30 minutes.`
      : 'Nothing new to add from the moods: every readable entry is in your history already.',
  ].filter(Boolean);
  const left = preview.problems.filter((p) => !p.kept);
  const changed = preview.problems.filter((p) => p.kept);
  const listed = (items: typeof left) =>
    [
      ...items.slice(0, PROBLEMS_SHOWN).map((p) => (p.line > 0 ? `line ${p.line}: ${p.reason}` : p.reason)),
      ...(items.length > PROBLEMS_SHOWN ? [`…and ${items.length - PROBLEMS_SHOWN} more`] : []),
    ].join('\n');
  const fields = [
    ...(left.length ? [{ name: `Left out (${left.length})`, value: listed(left) }] : []),
    ...(changed.length
      ? [{ name: `Changed on the way in (${changed.length})`, value: listed(changed) }]
      : []),
    ...(preview.settings && Object.keys(preview.settings).length
      ? [{ name: 'Settings', value: `${describeSettings(preview.settings)} (they replace yours)` }]
      : []),
    ...(preview.shares > 0
      ? [{ name: 'Shared tracks', value: `${preview.shares}, with their analysis` }]
      : []),
  ];
  const buttons: ReplyButton[] = [];
  const [firstUnmapped] = preview.unmapped;
  if (firstUnmapped) {
    fields.push({
      name: 'Daylio moods without a score',
      value:
        `${preview.unmapped.map((m) => `${m.name} (${plural(m.rows, 'row')})`).join(', ')}. ` +
        `What score, 1 to 10, is **${firstUnmapped.name}**? Rows of a mood without a score are left out.`,
    });
    for (let score = 1; score <= 10; score++) {
      buttons.push({
        id: `import-map-${score}`,
        label: String(score),
        style: 'secondary',
        action: `/import action:map id:${preview.id} score:${score} mood:${quoted(firstUnmapped.name)}`,
        expiresAt: preview.expiresAt,
        updatesMessage: true,
      });
    }
  }
  if (preview.toAdd > 0 || preview.shares > 0 || preview.settings) {
    buttons.push({
      id: 'import-confirm',
      label: preview.toAdd > 0 ? `Import ${plural(preview.toAdd, 'entry', 'entries')}` : 'Import',
      style: 'primary',
      action: `/import action:confirm id:${preview.id}`,
      expiresAt: preview.expiresAt,
      updatesMessage: true,
    });
  }
  buttons.push({
    id: 'import-cancel',
    label: 'Cancel',
    style: 'secondary',
    action: `/import action:cancel id:${preview.id}`,
    expiresAt: preview.expiresAt,
    updatesMessage: true,
  });
  return reply.private({
    title: `Import preview: ${preview.fileName}`,
    text: lines.join('\n'),
    fields,
    buttons,
    color: 'info',
  });
}

function describeSettings(settings: NonNullable<ImportPreview['settings']>): string {
  const parts = [
    settings.timeZone ? `time zone ${settings.timeZone}` : '',
    settings.digestEnabled === false ? 'weekly digest off' : settings.digestEnabled ? 'weekly digest on' : '',
    settings.llmNotesConsent ? 'notes may go to the language model' : '',
    settings.channelVibeOptIn ? 'counted in channel vibes' : '',
  ];
  return parts.filter(Boolean).join(', ') || 'your digest day and hour';
}

function outcomeReply(outcome: ImportOutcome, preview?: ImportPreview): Reply {
  switch (outcome.kind) {
    case 'imported': {
      const extra = [
        outcome.skipped > 0
          ? `${plural(outcome.skipped, 'entry was', 'entries were')} there already and skipped.`
          : '',
        outcome.shares > 0 ? `${plural(outcome.shares, 'shared track')} added.` : '',
        outcome.settings ? 'Your settings are the ones in the file now.' : '',
      ].filter(Boolean);
      return reply.private({
        title: 'Imported',
        text: [
          `${plural(outcome.imported, 'entry', 'entries')} added to your history${preview ? ` from ${preview.fileName}` : ''}.`,
          ...extra,
          '`/history 365` shows them.',
        ].join(' '),
        color: 'success',
      });
    }
    case 'done-already':
      return reply.private({
        title: 'Imported already',
        text: `That import is done (entries added then: ${outcome.imported}), so nothing was added again.`,
      });
    case 'in-progress':
      return reply.private({
        title: 'Importing',
        text: 'That import is being written right now; `/history` shows the entries when it is done.',
      });
    case 'cancelled':
      return reply.private({
        title: 'Cancelled',
        text: 'That import was cancelled; run `/import` with the file again.',
      });
    case 'expired':
      return reply.private({
        title: 'Preview over',
        text: 'That preview is more than 30 minutes old and its file is gone. Run `/import` with the file again.',
      });
  }
}
