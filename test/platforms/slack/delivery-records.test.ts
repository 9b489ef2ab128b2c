import { describe, expect, it } from 'vitest';
import type { Invocation } from '../../../src/platforms/dispatcher.js';
import { builtOncePerDelivery } from '../../../src/platforms/slack/delivery-records.js';

const invocationFor = (text: string): Invocation => ({
  identity: { platform: 'slack', workspaceId: 'T1', externalUserId: 'U1' },
  displayName: null,
  command: 'mood',
  input: { text },
});

describe('GIVEN a delivery whose invocation the record, the account lookup and the run each ask for', () => {
  it('THEN the invocation is built once and the same one is answered each time', () => {
    let builds = 0;
    const invocationOf = builtOncePerDelivery((delivery: { text: string }) => {
      builds += 1;
      return invocationFor(delivery.text);
    });
    const delivery = { text: '6 tired' };
    const first = invocationOf(delivery);
    expect(invocationOf(delivery)).toBe(first);
    expect(invocationOf(delivery)).toBe(first);
    expect(builds).toBe(1);
  });

  it('THEN another delivery, even with the same content, gets an invocation of its own', () => {
    const invocationOf = builtOncePerDelivery((delivery: { text: string }) => invocationFor(delivery.text));
    const one = invocationOf({ text: '6 tired' });
    const other = invocationOf({ text: '6 tired' });
    expect(other).not.toBe(one);
    expect(other).toEqual(one);
  });
});
