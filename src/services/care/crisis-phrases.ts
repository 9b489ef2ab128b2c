/**
 * Phrases that suggest someone may be in crisis. Maintained by hand, matched after normalising case,
 * accents, apostrophes and spacing. Over-matching only adds helpline text to a private reply, so the
 * list errs on the side of including a phrase.
 */
export const crisisPhrases: readonly string[] = [
  // English
  'suicide',
  'suicidal',
  'kill myself',
  'killing myself',
  'end my life',
  'ending my life',
  'end it all',
  'take my own life',
  'want to die',
  'wanna die',
  'wish i was dead',
  'wish i were dead',
  'better off dead',
  'better off without me',
  'no reason to live',
  'nothing to live for',
  'dont want to live',
  'dont want to be alive',
  'cant go on',
  'cant do this anymore',
  'self harm',
  'selfharm',
  'hurt myself',
  'hurting myself',
  'cut myself',
  'cutting myself',
  'overdose',
  'not wake up',
  // Spanish, Portuguese, French, German, Italian, Dutch
  'suicidio',
  'suicidarme',
  'quiero morir',
  'quiero morirme',
  'quero morrer',
  'me matar',
  'me tuer',
  'envie de mourir',
  'suizid',
  'umbringen',
  'will sterben',
  'voglio morire',
  'uccidermi',
  'zelfmoord',
];

/** Lower case, accents removed, apostrophes dropped, anything else non-alphanumeric a single space. */
export function normaliseForMatching(text: string): string {
  // Most notes are plain ASCII: the same result without Unicode normalisation, several times faster.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an ASCII range check
  if (/^[\u0000-\u007f]*$/.test(text)) {
    return ` ${text
      .toLowerCase()
      .replace(/['`]/g, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()} `;
  }
  return ` ${text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

// The phrases by their first word: a note is checked only against the phrases that start with one of
// its words, not all of them (this runs on every note; testing each phrase was 3% of /mood's CPU).
const phrasesByFirstWord = new Map<string, string[]>();
for (const phrase of crisisPhrases.map((p) => normaliseForMatching(p))) {
  const first = phrase.trim().split(' ')[0]!;
  phrasesByFirstWord.set(first, [...(phrasesByFirstWord.get(first) ?? []), phrase]);
}

/** True when the text contains a crisis phrase as whole words. */
export function containsCrisisLanguage(text: string): boolean {
  const normalised = normaliseForMatching(text);
  // The normalised text is single-spaced words between two spaces, so a phrase found in it starts at
  // one of its words, and that word is the phrase's first.
  for (const word of normalised.split(' ')) {
    const phrases = phrasesByFirstWord.get(word);
    if (phrases?.some((phrase) => normalised.includes(phrase))) return true;
  }
  return false;
}
