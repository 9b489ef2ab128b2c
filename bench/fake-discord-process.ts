/**
 * The fake Discord of bench/memory in a process of its own, so the bot's resident memory is measured
 * without the fake's. Driven over IPC: `wave` (interactions to send; answered with `done` once each is
 * acknowledged and, when deferred, edited) and `close`.
 */
import { startFakeDiscord } from '../test/fakes/discord/fake-discord.js';
import type { InteractionJson } from '../test/fakes/discord/payloads.js';

export type ToFake = { type: 'wave'; id: number; interactions: InteractionJson[] } | { type: 'close' };
export type FromFake =
  | { type: 'ready'; token: string; applicationId: string; apiUrl: string }
  | { type: 'done'; id: number; lost: number; late: number };

const send = (message: FromFake) => process.send?.(message);
const fake = await startFakeDiscord();

process.on('message', (message: ToFake) => {
  if (message.type === 'close') {
    void fake.close().then(() => process.exit(0));
    return;
  }
  void (async () => {
    const sent = message.interactions.map((json) => fake.interact(json));
    const acks = await Promise.all(
      sent.map((s) => fake.acknowledgement(s.json.id, 15_000).catch(() => undefined)),
    );
    await Promise.all(
      sent
        .filter((s) => s.ack?.type === 5)
        .map((s) =>
          fake
            .waitForRequest((r) => r.method === 'PATCH' && r.path.includes(s.json.token), 60_000)
            .catch(() => undefined),
        ),
    );
    fake.forgetHistory();
    send({
      type: 'done',
      id: message.id,
      lost: acks.filter((a) => a === undefined).length,
      late: acks.filter((a) => a !== undefined && a.status !== 204).length,
    });
  })();
});
send({ type: 'ready', token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl });
