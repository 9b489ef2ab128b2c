/** Suggested emotion tags (autocomplete and help). Any other tag is accepted too. */
export const emotionVocabulary: readonly string[] = [
  'happy', 'calm', 'content', 'grateful', 'hopeful', 'excited', 'energetic', 'proud', 'relaxed', 'loved',
  'focused', 'motivated', 'curious', 'playful', 'confident', 'peaceful', 'inspired', 'relieved',
  'tired', 'bored', 'restless', 'anxious', 'stressed', 'overwhelmed', 'sad', 'lonely', 'angry',
  'frustrated', 'irritable', 'nervous', 'numb', 'hopeless', 'guilty', 'ashamed', 'sick', 'burned out',
];
