/** An emotion tag as shown in a list: quoted when it holds a comma, so it reads as the one tag it is. */
export function shownTag(tag: string): string {
  return tag.includes(',') ? `"${tag}"` : tag;
}

/** Emotion tags as one comma-separated list (see shownTag). */
export function tagList(tags: readonly string[]): string {
  return tags.map(shownTag).join(', ');
}
