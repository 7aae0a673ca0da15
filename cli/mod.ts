/** The CLI's parts that tests and benchmarks drive directly. */
export { registerDlqCommands } from './dlq.ts';
export { simulatedPush } from './simulate.ts';
