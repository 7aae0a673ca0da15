// Prints "N passed, N failed" from vitest's JSON report (last line of the test run).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results.json';
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const failed =
    report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
  console.log(`${report.numPassedTests} passed, ${failed} failed`);
  if (report.numPendingTests + report.numTodoTests > 0) process.exitCode = 1;
} catch (err) {
  console.log(`# no vitest report in ${file}: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
}
