/**
 * Starts at most `perTurn` tasks per turn of the event loop and the rest in the turns after, in arrival
 * order, so that I/O waiting for the loop (a connection to accept, a socket to read) gets a turn between
 * them instead of after all of them.
 */
export function createTurnAdmission(perTurn: number): (start: () => void) => void {
  const waiting: Array<() => void> = [];
  let started = 0;
  let scheduled = false;
  const nextTurn = (): void => {
    scheduled = false;
    started = 0;
    while (started < perTurn && waiting.length > 0) {
      started++;
      waiting.shift()?.();
    }
    if (waiting.length > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate runs after the loop has polled for I/O: the next turn.
    setImmediate(nextTurn);
  };
  return (start) => {
    if (waiting.length === 0 && started < perTurn) {
      started++;
      // The count starts again in the next turn.
      schedule();
      start();
      return;
    }
    waiting.push(start);
    schedule();
  };
}
