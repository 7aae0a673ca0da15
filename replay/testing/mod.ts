/** Replay's test surface for other roles' tests: a harness around a replay context, test corpora. */
export { replayHarness, type ReplayHarness } from './replay-harness.ts';
export { corpus, withoutNamespace } from './corpus.ts';
