// Reads vitest's JSON report: fails when the real-PostgreSQL suites did not run, and prints the
// closing line "Tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const count = (status) => tests.filter((t) => t.status === status).length;
const postgres = tests.filter((t) => t.fullName.includes('[postgres]'));
const postgresRan = postgres.filter((t) => t.status === 'passed').length;
const postgresSkipped = postgres.filter((t) => t.status !== 'passed' && t.status !== 'failed').length;

console.log(`Real-PostgreSQL tests: ${postgresRan} passed, ${postgresSkipped} skipped`);
console.log(
  `Tests: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped') + count('pending') + count('todo')} skipped`,
);
if (postgresRan === 0 || postgresSkipped > 0) {
  console.error('The real-PostgreSQL tests were skipped: CI requires them.');
  process.exit(1);
}
if (count('failed') > 0 || !report.success) process.exit(1);
