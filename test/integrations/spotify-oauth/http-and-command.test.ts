import { describe, expect, it } from 'vitest';
import spotifyCommand from '../../../commands/spotify.js';
import type { CommandContext } from '../../../src/core/commands/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createHttpServer } from '../../../src/http/http-server.js';
import type { Services } from '../../../src/services/services.js';
import type {
  SpotifyAccountService,
  SpotifyAccountStatus,
} from '../../../src/services/spotify-account/spotify-account-service.js';
import { textOf } from '../../support/app-harness.js';

describe('createHttpServer', () => {
  it('GIVEN routes THEN a match runs, an unknown path is 404, another method 405, a throw a bare 500', async () => {
    const server = createHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger(),
      routes: [
        {
          method: 'GET',
          path: '/hello',
          handler: (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('hi');
          },
        },
        {
          method: 'GET',
          path: '/boom',
          handler: async () => {
            throw new Error('secret detail at /app/src/thing.ts:12');
          },
        },
      ],
    });
    const { url } = await server.start();
    try {
      expect(await (await fetch(`${url}/hello?x=1`)).text()).toBe('hi');
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      expect((await fetch(`${url}/hello`, { method: 'POST' })).status).toBe(405);
      const boom = await fetch(`${url}/boom`);
      expect(boom.status).toBe(500);
      const body = await boom.text();
      expect(body).not.toContain('secret detail');
      expect(body).not.toContain('.ts');
    } finally {
      await server.stop();
    }
    await expect(fetch(`${url}/hello`)).rejects.toThrow();
  });
});

describe('/spotify', () => {
  const user = { id: 7, username: 'alice', timeZone: 'UTC' };
  const context = (action: 'connect' | 'disconnect' | 'status' | undefined) =>
    ({
      user,
      options: { action },
      platform: 'console',
      now: new Date(),
      invocationId: 'test',
    }) as CommandContext<typeof spotifyCommand.options>;

  function fakeAccount(status: SpotifyAccountStatus) {
    const calls: string[] = [];
    const account: SpotifyAccountService = {
      connectUrl: (id) => `https://accounts.example/authorize?user=${id}`,
      handleCallback: async () => ({ ok: true, userId: 7 }),
      accessToken: async () => 'token',
      status: async () => status,
      disconnect: async (id) => {
        calls.push(`disconnect ${id}`);
        return status.linked;
      },
      recentTracks: async () => [],
    };
    return { calls, services: { spotifyAccount: account } as unknown as Services };
  }

  it('GIVEN Spotify linking is not configured THEN the reply says which variables to set', async () => {
    const reply = await spotifyCommand.run(context('connect'), {} as Services);
    expect(textOf(reply)).toContain('SPOTIFY_REDIRECT_URI');
    expect(reply.visibility).toBe('private');
  });

  it('GIVEN connect THEN a private reply carries the authorize link and the development-mode note', async () => {
    const { services } = fakeAccount({ linked: false, spotifyId: null, needsRenewal: false });
    const reply = await spotifyCommand.run(context('connect'), services);
    expect(reply.visibility).toBe('private');
    expect(textOf(reply)).toContain('https://accounts.example/authorize?user=7');
    expect(textOf(reply)).toContain('5 people');
  });

  it('GIVEN disconnect THEN the tokens are deleted', async () => {
    const { services, calls } = fakeAccount({ linked: true, spotifyId: 'sp', needsRenewal: false });
    const reply = await spotifyCommand.run(context('disconnect'), services);
    expect(calls).toEqual(['disconnect 7']);
    expect(textOf(reply)).toContain('deleted');
  });

  it('GIVEN status THEN it says linked, needs renewal, or not linked', async () => {
    const linked = fakeAccount({ linked: true, spotifyId: 'sp-alice', needsRenewal: false }).services;
    const renew = fakeAccount({ linked: true, spotifyId: 'sp-alice', needsRenewal: true }).services;
    const none = fakeAccount({ linked: false, spotifyId: null, needsRenewal: false }).services;
    expect(textOf(await spotifyCommand.run(context('status'), linked))).toContain('sp-alice');
    expect(textOf(await spotifyCommand.run(context(undefined), renew))).toContain('needs renewal');
    expect(textOf(await spotifyCommand.run(context('status'), none))).toContain('Not linked');
  });
});
