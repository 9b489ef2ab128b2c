import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import { buildAuthorizeUrl, SPOTIFY_SCOPES } from '../../../src/integrations/spotify/oauth/client.js';
import { codeChallengeS256, createCodeVerifier } from '../../../src/integrations/spotify/oauth/pkce.js';
import { createOAuthState } from '../../../src/integrations/spotify/oauth/state.js';

const cipher = createFieldCipher({ currentKey: 'a'.repeat(64) });
const secret = Buffer.from('state-secret-for-tests');

function states(clock = fixedClock('2026-03-01T12:00:00Z')) {
  return { clock, state: createOAuthState({ secret, cipher, clock }) };
}

/** Flips one character of the state's sealed part, keeping the original mac. */
function tamper(state: string): string {
  const [version, sealed, mac] = state.split('.');
  const at = Math.floor(sealed!.length / 2);
  const flipped = `${sealed!.slice(0, at)}${sealed![at] === 'A' ? 'B' : 'A'}${sealed!.slice(at + 1)}`;
  return `${version}.${flipped}.${mac}`;
}

describe('PKCE', () => {
  it('GIVEN the RFC 7636 example verifier THEN the S256 challenge is the RFC one', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('GIVEN new verifiers THEN each has 64 URL-safe characters and they differ', () => {
    const verifiers = Array.from({ length: 50 }, () => createCodeVerifier());
    for (const v of verifiers) expect(v).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
    expect(new Set(verifiers).size).toBe(50);
    expect(codeChallengeS256(verifiers[0]!)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('GIVEN a length outside 43..128 THEN making a verifier fails', () => {
    expect(() => createCodeVerifier(42)).toThrow();
    expect(() => createCodeVerifier(129)).toThrow();
  });
});

describe('buildAuthorizeUrl', () => {
  it('GIVEN the parameters THEN the URL asks for a code with an S256 challenge and the one scope', () => {
    const url = new URL(
      buildAuthorizeUrl({
        accountsUrl: 'https://accounts.spotify.com/',
        clientId: 'cid',
        redirectUri: 'http://127.0.0.1:3000/spotify/callback',
        state: 'v1.a.b',
        challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        scopes: SPOTIFY_SCOPES,
      }),
    );
    expect(url.origin + url.pathname).toBe('https://accounts.spotify.com/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'http://127.0.0.1:3000/spotify/callback',
      state: 'v1.a.b',
      code_challenge_method: 'S256',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      scope: 'user-read-recently-played',
    });
  });
});

describe('OAuth state', () => {
  it('GIVEN an issued state THEN it gives back the user and a verifier matching the challenge, once', () => {
    const { state } = states();
    const issued = state.issue(42);
    const checked = state.consume(issued.state);
    expect(checked).toEqual({ ok: true, userId: 42, codeVerifier: expect.any(String) });
    if (!checked.ok) throw new Error('refused');
    expect(codeChallengeS256(checked.codeVerifier)).toBe(issued.challenge);
    expect(issued.state).not.toContain(checked.codeVerifier);
    expect(state.consume(issued.state)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('GIVEN a state made up by someone else THEN it is refused as forged', () => {
    const { state } = states();
    const payload = Buffer.from(JSON.stringify({ u: 1, n: 'x'.repeat(22), e: 9e15, v: 'y' })).toString(
      'base64url',
    );
    expect(state.consume(`v2.${payload}.${'A'.repeat(43)}`)).toEqual({ ok: false, reason: 'forged' });
    expect(state.consume('not-a-state')).toEqual({ ok: false, reason: 'malformed' });
    expect(state.consume('')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('GIVEN a state signed with another secret THEN it is refused as forged', () => {
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const other = createOAuthState({ secret: Buffer.from('another secret'), cipher, clock });
    const { state } = states(clock);
    expect(state.consume(other.issue(7).state)).toEqual({ ok: false, reason: 'forged' });
  });

  it('GIVEN a state whose sealed part was changed THEN it is refused as forged', () => {
    const { state } = states();
    const issued = state.issue(7).state;
    expect(state.consume(tamper(issued))).toEqual({ ok: false, reason: 'forged' });
    // The untouched original still works: tampered copies did not burn its nonce.
    expect(state.consume(issued).ok).toBe(true);
  });

  it('GIVEN an issued state THEN it is opaque: neither the user id nor the verifier can be read from it', () => {
    const { state } = states();
    const issued = state.issue(424242);
    const checked = state.consume(issued.state);
    if (!checked.ok) throw new Error('refused');
    const decodedParts = issued.state
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    expect(`${issued.state} ${decodedParts}`).not.toContain('424242');
    expect(`${issued.state} ${decodedParts}`).not.toContain(checked.codeVerifier);
  });

  it('GIVEN a state sealed under another encryption key but the same secret THEN it is refused as forged', () => {
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const other = createOAuthState({
      secret,
      cipher: createFieldCipher({ currentKey: 'b'.repeat(64) }),
      clock,
    });
    const { state } = states(clock);
    expect(state.consume(other.issue(7).state)).toEqual({ ok: false, reason: 'forged' });
  });

  it('GIVEN more than 10 minutes passed THEN the state is refused as expired', () => {
    const { clock, state } = states();
    const issued = state.issue(7);
    clock.advance(10 * 60_000);
    expect(state.consume(issued.state)).toEqual({ ok: false, reason: 'expired' });
  });

  it('GIVEN another instance with the same secret and key THEN it accepts the state (stateless)', () => {
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const a = createOAuthState({ secret, cipher, clock });
    const b = createOAuthState({ secret, cipher: createFieldCipher({ currentKey: 'a'.repeat(64) }), clock });
    const issued = a.issue(5);
    expect(b.consume(issued.state)).toMatchObject({ ok: true, userId: 5 });
  });
});
