/** A tiny in-memory circuit breaker: after `threshold` consecutive failures, stay open for `cooldownMs`. */
export interface CircuitBreaker {
  /** False while open (calls should be skipped). */
  allow(): boolean;
  success(): void;
  failure(): void;
  readonly consecutiveFailures: number;
}

export function createCircuitBreaker(options: {
  threshold?: number;
  cooldownMs?: number;
  now?: () => number;
}): CircuitBreaker {
  const threshold = options.threshold ?? 3;
  const cooldownMs = options.cooldownMs ?? 60_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openUntil = 0;
  return {
    allow: () => now() >= openUntil,
    success() {
      failures = 0;
      openUntil = 0;
    },
    failure() {
      failures += 1;
      if (failures >= threshold) {
        openUntil = now() + cooldownMs;
        failures = 0;
      }
    },
    get consecutiveFailures() {
      return failures;
    },
  };
}
