import { type Reply, reply } from '../src/core/commands/index.js';
import type { MoodPrediction } from '../src/integrations/music-types.js';
import type { MusicAnalysis } from '../src/services/music/track-analysis.js';

const SOURCE: Record<MoodPrediction['source'], string> = {
  'audio-features': 'from its audio features',
  'language-model': 'by the language model',
  unknown: 'no audio features were available, so this is a guess',
};

/** 0.7 -> "███████░░░ 0.70". */
export function bar(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'not known';
  const filled = Math.round(Math.min(1, Math.max(0, value)) * 10);
  return `${'█'.repeat(filled)}${'░'.repeat(10 - filled)} ${value.toFixed(2)}`;
}

/** The answer to a shared track: what it is, how it sounds, and the mood it carries. */
export function trackCard(analysis: MusicAnalysis, prediction: MoodPrediction): Reply {
  const features = analysis.audioFeatures ?? {};
  const mood =
    prediction.mood === 'unknown'
      ? `unknown (${SOURCE.unknown})`
      : `${prediction.mood} (${Math.round(prediction.confidence * 100)}% sure, ${SOURCE[prediction.source]})`;
  return reply.public({
    title: `${analysis.trackName} — ${analysis.artistName}`,
    text: `https://open.spotify.com/track/${analysis.spotifyTrackId}`,
    fields: [
      { name: 'Mood', value: mood },
      { name: 'Energy', value: bar(features.energy), inline: true },
      { name: 'Positivity', value: bar(features.valence), inline: true },
      ...(features.tempo
        ? [{ name: 'Tempo', value: `${Math.round(features.tempo)} BPM`, inline: true }]
        : []),
    ],
    ...(analysis.albumImage
      ? { image: { url: analysis.albumImage, alt: `Cover of ${analysis.trackName}` } }
      : {}),
    color: 'info',
  });
}
