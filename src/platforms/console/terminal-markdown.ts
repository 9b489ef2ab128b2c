/**
 * The chat markup replies use (the subset Discord and Slack both show: `_italic_`, `**bold**` or
 * `*bold*`, `` `code` ``) rendered for a terminal: ANSI bold, italic and colour when `ansi` (a TTY),
 * otherwise the bare text. Marks only count at word edges, so `snake_case`, `2*3*4` and a lone `*` or
 * `_` stay as typed.
 */
export function renderTerminalMarkdown(text: string, options: { ansi: boolean }): string {
  const style = options.ansi
    ? {
        bold: (s: string) => `${ESC}[1m${s}${ESC}[22m`,
        italic: (s: string) => `${ESC}[3m${s}${ESC}[23m`,
        code: (s: string) => `${ESC}[36m${s}${ESC}[39m`,
      }
    : { bold: same, italic: same, code: same };
  // Text that already holds the placeholders' characters (a note may) gets its code spans only.
  if (text.includes(HOLD_OPEN) || text.includes(HOLD_CLOSE)) {
    return text.replace(/`([^`\n]+)`/g, (_, inner: string) => style.code(inner));
  }
  // Code spans are set aside first (placeholders the other rules cannot match), so `/mood 6 -- a_b_c`
  // stays as it is and an italic line may hold a code span: _From today; `/insights refresh` ..._.
  const codes: string[] = [];
  const marked = text.replace(/`([^`\n]+)`/g, (_, inner: string) => {
    codes.push(style.code(inner));
    return `${HOLD_OPEN}${codes.length - 1}${HOLD_CLOSE}`;
  });
  return marked
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, (_, inner: string) => style.bold(inner))
    .replace(/(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, (_, inner: string) => style.bold(inner))
    .replace(/(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, (_, inner: string) =>
      style.italic(inner),
    )
    .replace(HELD, (_, index: string) => codes[Number(index)] ?? '');
}

/** Private-use characters around a set-aside code span's index. */
const HOLD_OPEN = '\uE000';
const HOLD_CLOSE = '\uE001';
const HELD = /\uE000(\d+)\uE001/g;
const ESC = '\u001b';
const same = (s: string) => s;
