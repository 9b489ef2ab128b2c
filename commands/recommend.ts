import { opt, reply } from '../src/core/commands/index.js';
import { recommendationGoals } from '../src/services/recommendations/rank-local.js';
import type { Recommendation } from '../src/services/recommendations/recommendation-service.js';
import { defineCommand } from './define.js';
import { preview, tagList } from './format.js';

const GOAL_TITLES = {
  match: 'Music that matches your mood',
  lift: 'A gentle lift: from where you are to somewhere brighter',
  calm: 'Music to calm down with',
  focus: 'Music to focus with',
} as const;

function itemField(r: Recommendation, i: number) {
  const score = r.matchScore === null ? '' : ` · ${Math.round(r.matchScore * 100)}% match`;
  return {
    name: preview(`${i + 1}. ${r.trackName} — ${r.artistName}`, 200),
    value: `${preview(r.reason ?? '', 200)}\nhttps://open.spotify.com/track/${r.spotifyTrackId}${score}`,
  };
}

export default defineCommand({
  name: 'recommend',
  readOnly: true,
  description: 'Music for your latest mood: match it, lift it gently, calm down or focus (only you see it)',
  usageExample: '/recommend lift',
  slow: true,
  options: {
    goal: opt.choice({
      description:
        'match (stay with the mood), lift (step by step brighter), calm or focus; match by default',
      choices: recommendationGoals,
    }),
  },
  async run({ user, options }, { recommendations }) {
    const goal = options.goal ?? 'match';
    const result = await recommendations.recommend({ userId: user.id, goal, timeZone: user.timeZone });
    const entry = result.moodEntry;
    const tags = entry.emotions?.length ? ` (${tagList(entry.emotions)})` : '';
    const first = result.items.find((r) => r.albumImage);
    return reply.private({
      title: GOAL_TITLES[goal],
      text:
        result.items.length > 0
          ? `For your latest mood, ${entry.moodScore}/10${tags}.${goal === 'lift' ? ' Listen in order: each song is a small step on from the last.' : ''}`
          : 'I could not find tracks for that yet. Share a few more songs with `/share` and ask again.',
      fields: result.items.map(itemField),
      ...(first?.albumImage ? { image: { url: first.albumImage, alt: `Cover of ${first.trackName}` } } : {}),
      color: 'info',
    });
  },
});
