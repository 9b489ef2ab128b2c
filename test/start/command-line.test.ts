import { describe, expect, it } from 'vitest';
import { parseStartFlags, startUsage } from '../../src/start/command-line.js';

describe('the flags of npm start', () => {
  it('GIVEN --user alice THEN the console user is alice', () => {
    expect(parseStartFlags(['--user', 'alice'])).toEqual({ help: false, user: 'alice' });
  });

  it('GIVEN --user=alice THEN the console user is alice', () => {
    expect(parseStartFlags(['--user=alice'])).toEqual({ help: false, user: 'alice' });
  });

  it('GIVEN no flags THEN no user is chosen', () => {
    expect(parseStartFlags([])).toEqual({ help: false, user: undefined });
  });

  it('GIVEN --help or -h THEN help is asked for', () => {
    expect(parseStartFlags(['--help'])).toEqual({ help: true });
    expect(parseStartFlags(['-h'])).toEqual({ help: true });
  });

  it('GIVEN the help text THEN it lists every known flag', () => {
    expect(startUsage).toContain('--user NAME');
    expect(startUsage).toContain('--help');
  });

  it('GIVEN --usr alice THEN the error names --usr as unknown, suggests --user and lists the known flags', () => {
    expect(() => parseStartFlags(['--usr', 'alice'])).toThrow(
      'Unknown option --usr (did you mean --user?). The options are --user NAME, --help',
    );
  });

  it('GIVEN an unknown flag far from any known one THEN the error lists the known flags', () => {
    expect(() => parseStartFlags(['--verbose'])).toThrow(
      'Unknown option --verbose. The options are --user NAME, --help',
    );
  });

  it('GIVEN --user without a value THEN the error says it needs a name', () => {
    expect(() => parseStartFlags(['--user'])).toThrow('--user needs a name');
  });

  it('GIVEN --user followed by another flag THEN the flag is not taken as the name', () => {
    expect(() => parseStartFlags(['--user', '--help'])).toThrow('--user needs a name');
  });

  it('GIVEN a stray argument THEN the error quotes it and shows the --user form', () => {
    expect(() => parseStartFlags(['alice'])).toThrow(
      "Unexpected argument 'alice': npm start takes only options (--user NAME, --help).\n  For example: npm start -- --user alice",
    );
  });
});
