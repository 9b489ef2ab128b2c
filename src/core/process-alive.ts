/**
 * True while a process with this id exists. Signal 0 sends nothing, only checks; EPERM means the
 * process exists but belongs to another user. Used by the data directory's lock and by the test run's
 * temp folder, both of which hold the pid of their owner.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
