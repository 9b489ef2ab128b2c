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
  // Code first, and kept out of the other rules: `/mood 6 -- a_b_c` must stay as it is.
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, index) =>
      index % 2 === 1
        ? style.code(part.slice(1, -1))
        : part
            .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, (_, inner: string) => style.bold(inner))
            .replace(/(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, (_, inner: string) => style.bold(inner))
            .replace(/(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, (_, inner: string) =>
              style.italic(inner),
            ),
    )
    .join('');
}

const ESC = '\u001b';
const same = (s: string) => s;
