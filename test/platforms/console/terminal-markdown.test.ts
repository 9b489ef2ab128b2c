import { describe, expect, it } from 'vitest';
import { renderTerminalMarkdown } from '../../../src/platforms/console/terminal-markdown.js';

const plain = (text: string) => renderTerminalMarkdown(text, { ansi: false });
const ansi = (text: string) => renderTerminalMarkdown(text, { ansi: true });

describe('chat markup in the terminal', () => {
  it.each([
    ['_Just computed from the last 7 days._', 'Just computed from the last 7 days.'],
    ['Turn it off with `/settings digest off`.', 'Turn it off with /settings digest off.'],
    ['**Energy** and *positivity*', 'Energy and positivity'],
    [
      'From 2026-11-30; `/insights refresh` computes a new one.',
      'From 2026-11-30; /insights refresh computes a new one.',
    ],
    [
      '_From 2026-11-30; `/insights refresh` computes a new one._',
      'From 2026-11-30; /insights refresh computes a new one.',
    ],
  ])('GIVEN %j and no terminal THEN the marks are dropped', (input, expected) => {
    expect(plain(input)).toBe(expected);
  });

  it.each([
    ['snake_case_name stays', 'snake_case_name stays'],
    ['2*3*4 = 24', '2*3*4 = 24'],
    ['a lone * and a lone _ stay', 'a lone * and a lone _ stay'],
    ['`/mood 6 -- a_b_c`', '/mood 6 -- a_b_c'],
  ])('GIVEN %j THEN what is not markup stays as typed', (input, expected) => {
    expect(plain(input)).toBe(expected);
  });

  it('GIVEN italic, bold and code on a terminal THEN they become ANSI italic, bold and colour', () => {
    expect(ansi('_soft_ **loud** `/help`')).toBe(
      '\u001b[3msoft\u001b[23m \u001b[1mloud\u001b[22m \u001b[36m/help\u001b[39m',
    );
  });

  it('GIVEN an italic line holding a code span on a terminal THEN the line is italic and the span coloured inside it', () => {
    expect(ansi('_From today; `/insights refresh` computes one._')).toBe(
      '\u001b[3mFrom today; \u001b[36m/insights refresh\u001b[39m computes one.\u001b[23m',
    );
  });

  it('GIVEN text that holds private-use characters (a note may) THEN it is kept as typed and code spans still render', () => {
    expect(plain('a \uE0000\uE001 b `/help` _c_')).toBe('a \uE0000\uE001 b /help _c_');
  });
});
