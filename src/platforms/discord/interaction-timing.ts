import type { Interaction } from 'discord.js';

/**
 * When each interaction arrived, counted from its gateway packet (before discord.js builds the
 * interaction): what Discord's 3 seconds to acknowledge count from.
 */
export interface ArrivalClock {
  /** The gateway packet of interaction `id` arrived now. */
  packetArrived(id: string): void;
  /** discord.js built `interaction`: it takes the arrival time of its packet. */
  interactionBuilt(interaction: Interaction): void;
  /** Milliseconds since the interaction's gateway packet arrived. */
  elapsed(interaction: Interaction): number;
  /** The interaction was acknowledged: reports how long that took, once. */
  acknowledged(interaction: Interaction): void;
}

/** `onAcknowledged` is told how long each interaction took from its arrival to its acknowledgement. */
export function createArrivalClock(onAcknowledged: (ms: number) => void): ArrivalClock {
  // Interaction id -> performance.now() of its gateway packet; taken when the interaction is handled.
  const arrivals = new Map<string, number>();
  const arrivedAt = new WeakMap<Interaction, number>();
  return {
    packetArrived(id) {
      // Interactions that never reach the handler (a payload discord.js cannot build) must not pile up.
      if (arrivals.size > 10_000) arrivals.clear();
      arrivals.set(id, performance.now());
    },
    interactionBuilt(interaction) {
      arrivedAt.set(interaction, arrivals.get(interaction.id) ?? performance.now());
      arrivals.delete(interaction.id);
    },
    elapsed: (interaction) => performance.now() - (arrivedAt.get(interaction) ?? performance.now()),
    acknowledged(interaction) {
      const at = arrivedAt.get(interaction);
      if (at === undefined) return;
      arrivedAt.delete(interaction);
      onAcknowledged(performance.now() - at);
    },
  };
}
