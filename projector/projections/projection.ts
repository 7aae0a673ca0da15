/**
 * A projection is data plus a pure function (Emmett's shape): a name and a version (bump
 * it when the output for the same events changes, so a replay knows to rebuild), the
 * event types it handles, an initial state and `evolve(state, event) → state`. The I/O
 * code around it only applies what `evolve` produced.
 */
export interface Projection<State, Event extends { readonly type: string }> {
  readonly name: string;
  readonly version: number;
  readonly handles: readonly Event['type'][];
  initialState(): State;
  evolve(state: State, event: Event): State;
}

/** Folds events into a projection's state, skipping the types it does not handle. */
export function fold<State, Event extends { readonly type: string }>(
  projection: Projection<State, Event>,
  events: Iterable<Event>,
  state: State = projection.initialState(),
): State {
  let current = state;
  for (const event of events) {
    if (projection.handles.includes(event.type)) current = projection.evolve(current, event);
  }
  return current;
}
