/** Word lists the seed draws from. Plain data; no logic beyond small lookups. */

/** Emotion tags with the mood scores they usually come with. */
export const emotionsByBand = {
  low: ['sad', 'lonely', 'anxious', 'stressed', 'overwhelmed', 'tired', 'angry', 'bored'],
  middle: ['tired', 'calm', 'bored', 'content', 'anxious', 'stressed', 'hopeful', 'overwhelmed'],
  high: ['happy', 'calm', 'grateful', 'energetic', 'hopeful', 'content', 'excited'],
} as const;

export type MoodBand = keyof typeof emotionsByBand;

export function bandOf(score: number): MoodBand {
  return score <= 4 ? 'low' : score <= 6 ? 'middle' : 'high';
}

/** Short notes by band: plain sentences, and a few special ones with emoji or in other scripts. */
export const notesByBand: Record<MoodBand, { plain: readonly string[]; special: readonly string[] }> = {
  low: {
    plain: [
      'Could not sleep again.',
      'Long day, everything went wrong at work.',
      'Missing home a lot today.',
      'Argued with my brother, feel awful.',
      'Deadline stress is getting to me.',
      'Skipped the gym, stayed in bed.',
      'Headache all afternoon.',
      'Nobody answered my messages.',
      'Rainy and grey, just want to hide.',
      'Too many meetings, no time to think.',
      'Worried about money this month.',
      'Felt left out at lunch.',
    ],
    special: [
      'rough night 😞',
      'Everything feels heavy today 😔',
      'Сегодня всё валится из рук.',
      '今日はすごく疲れた。',
      'Müde und gereizt, zu wenig Schlaf.',
    ],
  },
  middle: {
    plain: [
      'Okay day, nothing special.',
      'Work was fine, a bit tired.',
      'Cooked dinner and watched a show.',
      'Quiet Sunday at home.',
      'Busy but manageable.',
      'Walked the dog, cleared my head a bit.',
      'Still waiting to hear back about the job.',
      'Coffee helped. Slightly better than this morning.',
      'Got through my inbox at last.',
      'Read a few chapters before bed.',
      'Commute took forever.',
    ],
    special: [
      'Meh. Raining again ☔',
      'Día largo pero tranquilo.',
      '普通の一日でした。',
      'Un jour comme les autres.',
    ],
  },
  high: {
    plain: [
      'Great run this morning!',
      'Dinner with friends, laughed a lot.',
      'Finished the project, feeling proud.',
      'Sunny walk in the park.',
      'Slept well for once.',
      'Got good news from the doctor.',
      'New album on repeat all day.',
      'Weekend trip planning with Sam.',
      'Band practice went really well.',
      'My sister visited, we cooked together.',
    ],
    special: [
      'Gym PR today 💪',
      'Coffee with an old friend ☕️ felt great',
      'Beach day 🌊☀️',
      '心情不错，听了很多音乐。',
      '오늘은 정말 좋은 하루였어요 😊',
      'يوم جميل مع العائلة',
      'Schöner Tag, endlich Sonne!',
    ],
  },
};

/** IANA zones with their usual UTC offset in minutes (DST is ignored: the seed only needs plausible hours). */
export const timeZones: readonly (readonly [zone: string, offsetMinutes: number, weight: number])[] = [
  ['Europe/Berlin', 60, 14],
  ['America/New_York', -300, 16],
  ['Europe/London', 0, 10],
  ['UTC', 0, 8],
  ['America/Los_Angeles', -480, 10],
  ['Asia/Tokyo', 540, 7],
  ['Australia/Sydney', 600, 5],
  ['America/Sao_Paulo', -180, 6],
  ['Asia/Kolkata', 330, 5],
  ['Europe/Madrid', 60, 4],
  ['America/Chicago', -360, 5],
  ['Asia/Seoul', 540, 3],
  ['Europe/Moscow', 180, 3],
  ['Africa/Lagos', 60, 2],
  ['Pacific/Auckland', 720, 2],
];

export const firstNames = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Maria',
  'Lukas',
  'Emma',
  'Noah',
  'Olivia',
  'Liam',
  'Sofia',
  'Mateo',
  'Chloé',
  'Zoë',
  'José',
  'Björn',
  'Aisha',
  'Kwame',
  'Priya',
  'Arjun',
  'Mei',
  'Hiroshi',
  'Yuki',
  'Min-jun',
  'Fatima',
  'Omar',
  'Ingrid',
  'Lars',
  'Ana',
  'Diego',
  'Nia',
  'Ravi',
  'Elif',
  'Mehmet',
  'Isabella',
  'Ethan',
  'Hannah',
  'Felix',
  'Léa',
  'Giulia',
];

export const lastNames = [
  'Smith',
  'Müller',
  'Garcia',
  'Kim',
  'Nguyen',
  'Silva',
  'Rossi',
  'Kowalski',
  'Johansson',
  'Okafor',
  'Patel',
  'Tanaka',
  'Dubois',
  'Novak',
  'Haddad',
  'Fernández',
  'Schmidt',
  "O'Brien",
  'Yilmaz',
  'Ivanova',
];

/** Display names in other scripts, and a few with emoji, for users who set one. */
export const specialDisplayNames = [
  '佐藤 花子',
  '田中 太郎',
  'Мария',
  'Дмитрий',
  '김민수',
  '李娜',
  'محمد',
  'Ελένη',
  'Zoë 🌙',
  'dj_nightowl 🎧',
  '🌻 sunny',
  'the_real_sam ✨',
];

export const handleWords = [
  'moon',
  'vinyl',
  'echo',
  'pixel',
  'river',
  'static',
  'lofi',
  'neon',
  'maple',
  'otter',
  'cosmic',
  'velvet',
];

export const trackAdjectives = [
  'Midnight',
  'Golden',
  'Electric',
  'Silent',
  'Broken',
  'Neon',
  'Summer',
  'Lonely',
  'Wild',
  'Blue',
  'Velvet',
  'Burning',
  'Paper',
  'Hollow',
  'Crystal',
  'Slow',
  'Endless',
  'Sweet',
  'Cold',
  'Northern',
];

export const trackNouns = [
  'Echoes',
  'Hour',
  'Heart',
  'Skyline',
  'Rain',
  'Dreams',
  'Highway',
  'Lights',
  'Ocean',
  'Fire',
  'Shadows',
  'Letters',
  'Garden',
  'Satellite',
  'Waves',
  'Roses',
  'Thunder',
  'Mirrors',
  'Stars',
  'Morning',
];

export const trackPhrases = [
  "Don't Let Go",
  'Call Me Back',
  'Running Home',
  'All I Need',
  'Stay Awake',
  'Under the Bridge of Stars',
  'Falling Slowly',
  'Say It Again',
  'Where We Started',
  'Nothing Else Matters Now',
  'Dancing in the Kitchen',
  'Better Days',
];

export const nonLatinTrackNames = [
  '夜に駆ける',
  '青空',
  'Звезда',
  '사랑해',
  '月亮代表我的心',
  'Café Noir',
  'Überall',
  'Corazón',
];

export const artistFirst = [
  'The',
  'Luna',
  'Kid',
  'DJ',
  'Lil',
  'Black',
  'Silver',
  'Young',
  'Mister',
  'Sister',
];

export const artistWords = [
  'Foxes',
  'Harbor',
  'Nova',
  'Cascade',
  'Tigers',
  'Mirage',
  'Parade',
  'Static',
  'Monarch',
  'Lanterns',
  'Orbit',
  'Willow',
  'Atlas',
  'Comet',
  'Riot',
  'Saint',
];

export const musicDnaOpeners = [
  'Your music DNA',
  'Your listening this week',
  'Your sound',
  'Your playlists',
] as const;

export const suggestionTemplates = [
  'Try a short walk with something {mood} on your {day} mornings; that is when your mood tends to dip.',
  'Your mood rises on days you listen to {mood} tracks. Queue a few before a busy afternoon.',
  'Evenings look hard lately. A {mood} wind-down playlist and an earlier night might help.',
  'You logged more good days this week. Keep the {mood} songs coming.',
  'Stress showed up midweek. Five minutes of {mood} music between meetings can reset the day.',
  'Weekends lift you. Plan something small and {mood} for {day} too.',
] as const;

export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const recommendationReasons: Record<string, readonly string[]> = {
  low: [
    'Your mood was low ({score}/10); this {mood} track is gentle and might help you unwind.',
    'A softer, {mood} pick for a heavy day.',
    'Something {mood} to keep you company tonight.',
  ],
  middle: [
    'A {mood} track to lift an ordinary day a little.',
    'You logged {score}/10; this {mood} song matches where you are and nudges upward.',
    'Picked for your {emotion} mood: {mood}, not too loud.',
  ],
  high: [
    'You are on a high ({score}/10)! Keep it going with this {mood} track.',
    'An {mood} song to match a good day.',
    'You felt {emotion}; this one fits that energy.',
  ],
};
