/**
 * The projector's test surface for other roles' tests: a harness (servers, log, a running
 * projector), event builders, and the in-memory projection that says what the read
 * models must hold.
 */
export { projectorHarness, waitFor, type Harness, type Urls } from './harness.ts';
export { pushReceived, seedPush, shuffled } from './events.ts';
export { commitKey } from '../projections/commit-doc.ts';
export { projectInMemory, type ReadModels } from '../projections/in-memory-read-models.ts';
export { DashboardDay } from '../projections/dashboard-day.ts';
export { readModelsOf } from '../projections/in-memory-read-models.ts';
