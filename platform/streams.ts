import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Streams } from '../schemas/streams.ts';
import type { Config } from './config.ts';
import { StreamConfigConflictError } from './errors.ts';

const NS_PER_S = 1_000_000_000;

type Wanted = Pick<StreamConfig, 'name' | 'subjects' | 'storage' | 'retention'> &
  Partial<StreamConfig>;

/** The streams TeamPulse needs, from config. Pure: used by setup and by tests. */
export function wantedStreams(cfg: Config): Wanted[] {
  return [
    {
      name: Streams.github.name,
      subjects: [...Streams.github.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: cfg.STREAM_MAX_AGE_SECONDS * NS_PER_S,
      max_bytes: cfg.STREAM_MAX_BYTES,
      duplicate_window: cfg.STREAM_DUPLICATE_WINDOW_SECONDS * NS_PER_S,
      num_replicas: cfg.STREAM_REPLICAS,
      discard: DiscardPolicy.Old,
      allow_direct: true,
    },
    {
      name: Streams.updates.name,
      subjects: [...Streams.updates.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: cfg.UPDATES_MAX_AGE_SECONDS * NS_PER_S,
      max_msgs: cfg.UPDATES_MAX_MSGS,
      num_replicas: cfg.STREAM_REPLICAS,
      discard: DiscardPolicy.Old,
      allow_direct: true,
    },
    {
      name: Streams.dlq.name,
      subjects: [...Streams.dlq.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      num_replicas: cfg.STREAM_REPLICAS,
    },
    {
      // Keeps MAX_DELIVERIES advisories while no projector runs, so none is missed.
      name: Streams.advisories.name,
      subjects: [...Streams.advisories.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: 30 * 24 * 3600 * NS_PER_S,
      num_replicas: cfg.STREAM_REPLICAS,
    },
  ];
}

/** Lists the settings in which an existing stream differs from the wanted one. Pure. */
export function streamDifferences(existing: StreamConfig, wanted: Wanted): string[] {
  const diffs: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const have = (existing as unknown as Record<string, unknown>)[key];
    const same = Array.isArray(value)
      ? Array.isArray(have) &&
        JSON.stringify([...(have as unknown[])].sort()) ===
          JSON.stringify([...(value as unknown[])].sort())
      : have === value;
    if (!same) diffs.push(`${key}: has ${JSON.stringify(have)}, wants ${JSON.stringify(value)}`);
  }
  return diffs;
}

/**
 * Creates the streams that are missing. A stream that exists with the same settings is left
 * as it is (so a second start changes nothing); one with different settings is reported with
 * {@link StreamConfigConflictError}, never silently overwritten.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  cfg: Config,
  which?: string[],
): Promise<void> {
  for (const wanted of wantedStreams(cfg)) {
    if (which && !which.includes(wanted.name)) continue;
    let existing: StreamConfig | undefined;
    try {
      existing = (await jsm.streams.info(wanted.name)).config;
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== JetStreamApiCodes.StreamNotFound)
        throw err;
    }
    if (!existing) {
      await jsm.streams.add(wanted);
      continue;
    }
    const diffs = streamDifferences(existing, wanted);
    if (diffs.length > 0) throw new StreamConfigConflictError(wanted.name, diffs);
  }
}
