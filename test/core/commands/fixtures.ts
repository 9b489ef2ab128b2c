import { defineCommand } from '../../../src/core/commands/define-command.js';
import { opt } from '../../../src/core/commands/options.js';
import { reply } from '../../../src/core/commands/reply.js';

/** The emotions offered for autocomplete in these tests. */
export const emotionVocabulary = [
  'tired',
  'anxious',
  'calm',
  'happy',
  'sad',
  'stressed',
  'hopeful',
  'content',
  'angry',
  'excited',
  'bored',
  'grateful',
] as const;

export const moodCommand = defineCommand({
  name: 'mood',
  description: 'Log how you feel, from 1 to 10',
  usageExample: '/mood 6 tired',
  options: {
    score: opt.integer({
      min: 1,
      max: 10,
      required: true,
      description: 'How you feel, 1 (awful) to 10 (great)',
    }),
    emotions: opt.tags({
      max: 10,
      maxLength: 32,
      vocabulary: emotionVocabulary,
      description: 'Words for it',
    }),
    note: opt.text({ max: 1000, rest: true, description: 'Anything else worth remembering' }),
  },
  run: ({ options }) => reply.private(`Saved ${options.score}.`),
});

export const historyCommand = defineCommand({
  name: 'history',
  description: 'Show your moods of the last days',
  usageExample: '/history 30',
  options: {
    days: opt.integer({ min: 1, max: 365, label: 'number of days', description: 'How many days back' }),
  },
  run: ({ options }) => reply.private(`${options.days ?? 7} days`),
});

export const settingsCommand = defineCommand({
  name: 'settings',
  description: 'Show or change your settings',
  usageExample: '/settings timezone Europe/Berlin',
  options: {
    setting: opt.choice({
      choices: ['timezone', 'digest', 'digest-day', 'digest-hour', 'notes-consent'],
      description: 'The setting to change',
    }),
    value: opt.text({ max: 100, rest: true, description: 'Its new value' }),
  },
  run: ({ options }) => reply.private(`${options.setting ?? 'all'} = ${options.value ?? '?'}`),
});

export const shareCommand = defineCommand({
  name: 'share',
  description: 'Share a Spotify link for analysis',
  usageExample: '/share https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC',
  options: {
    url: opt.url({ required: true, label: 'link', description: 'A Spotify track or playlist link' }),
  },
  run: ({ options }) => reply.private(options.url),
});

export const forgetCommand = defineCommand({
  name: 'forget',
  description: 'Delete everything MoodScale stores about you',
  usageExample: '/forget confirm',
  options: {
    confirm: opt.choice({
      choices: ['confirm'],
      label: 'confirmation',
      description: 'Type confirm to delete for good',
    }),
  },
  run: ({ options }) => reply.private(options.confirm === 'confirm' ? 'Deleted.' : 'Are you sure?'),
});

export const allCommands = [
  moodCommand,
  historyCommand,
  settingsCommand,
  shareCommand,
  forgetCommand,
] as const;
