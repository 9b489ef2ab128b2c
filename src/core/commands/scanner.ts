import { UserError } from '../errors.js';
import { quote } from './text.js';

/** Opening quote -> its closing quote. Phones turn "" into “” and '' into ‘’, so those pair as well. */
const QUOTES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
]);

/** `--`, or the dash a phone's autocorrect makes of it, standing alone. */
const SEPARATORS = ['--', '—', '–'];

/** `name:` at a token's start, but not `https://` nor a URI such as `spotify:track:...`. */
const NAMED = /(?!spotify:)([A-Za-z][A-Za-z0-9_-]{0,63}):(?!\/\/)/iy;

export interface Token {
  /** The token's text, without its quotes and with escapes applied when quoted. */
  readonly text: string;
  readonly quoted: boolean;
}

/** A cursor over a command line's argument text; the parser decides what each part means. */
export class Scanner {
  #pos = 0;

  constructor(readonly input: string) {}

  /** Skips whitespace; true when something is left. */
  more(): boolean {
    while (this.#pos < this.input.length && /\s/.test(this.input.charAt(this.#pos))) this.#pos++;
    return this.#pos < this.input.length;
  }

  atQuote(): boolean {
    return QUOTES.has(this.input.charAt(this.#pos));
  }

  /** The length of a standalone `--` (or dash) at the cursor, or 0. */
  #separatorLength(): number {
    for (const separator of SEPARATORS) {
      const end = this.#pos + separator.length;
      const alone = end === this.input.length || /\s/.test(this.input.charAt(end));
      if (alone && this.input.startsWith(separator, this.#pos)) return separator.length;
    }
    return 0;
  }

  atSeparator(): boolean {
    return this.#separatorLength() > 0;
  }

  /** Consumes a standalone `--` (or dash) and returns true, or returns false and consumes nothing. */
  takeSeparator(): boolean {
    const length = this.#separatorLength();
    this.#pos += length;
    return length > 0;
  }

  /** The name of a `name:value` at the cursor, without consuming it. */
  peekName(): string | undefined {
    NAMED.lastIndex = this.#pos;
    return NAMED.exec(this.input)?.[1];
  }

  /** Consumes `name:` (after `peekName`) and any whitespace after it. */
  takeName(name: string): void {
    this.#pos += name.length + 1;
    this.more();
  }

  /** The next token: a quoted string (with \" \' and \\ escapes) or a run of non-whitespace. */
  token(): Token {
    const start = this.#pos;
    const open = this.input.charAt(start);
    const close = QUOTES.get(open);
    if (close === undefined) {
      let end = start;
      while (end < this.input.length && !/\s/.test(this.input.charAt(end))) end++;
      this.#pos = end;
      return { text: this.input.slice(start, end), quoted: false };
    }
    let text = '';
    for (let i = start + 1; i < this.input.length; i++) {
      const char = this.input.charAt(i);
      const next = this.input.charAt(i + 1);
      if (char === '\\' && (next === close || next === open || next === '\\')) {
        text += next;
        i++;
      } else if (char === close) {
        this.#pos = i + 1;
        return { text, quoted: true };
      } else {
        text += char;
      }
    }
    throw new UserError(
      `The quote ${open} before ${quote(this.input.slice(start + 1))} is never closed; add a closing ${close} or remove it.`,
      'UNTERMINATED_QUOTE',
    );
  }

  /** The next token (see `token`), without consuming it. */
  peekToken(): Token {
    const at = this.#pos;
    try {
      return this.token();
    } finally {
      this.#pos = at;
    }
  }

  /** Everything from the cursor to the end, trimmed, consumed. */
  rest(): string {
    const rest = this.input.slice(this.#pos).trim();
    this.#pos = this.input.length;
    return rest;
  }
}
