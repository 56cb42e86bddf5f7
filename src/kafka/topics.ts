/**
 * The topics of docs/design.md §5.7 and their configs. Names take the deployment's prefix so that
 * tests and side-by-side deployments never share a topic.
 */
export interface TopicNames {
  readonly commands: string;
  readonly events: string;
  readonly deadLetters: string;
  readonly shows: string;
}

export function topicNames(prefix = ''): TopicNames {
  return Object.freeze({
    commands: `${prefix}seat-commands`,
    events: `${prefix}seat-events`,
    deadLetters: `${prefix}seat-commands.dlq`,
    shows: `${prefix}shows`,
  });
}

export interface GroupNames {
  readonly reservation: string;
  readonly gateway: string;
}

export function groupNames(prefix = ''): GroupNames {
  return Object.freeze({
    reservation: `${prefix}holdfast-reservation`,
    gateway: `${prefix}holdfast-gateway`,
  });
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configs: Readonly<Record<string, string>>;
  /**
   * Set when an existing topic whose configs differ is brought to these configs (never its
   * partition count) rather than refused: why, for the warning that says so.
   */
  readonly adopt?: string;
}

/**
 * `seat-commands` is the record of truth and stamps log time (LogAppendTime); it and
 * `seat-events` are retained forever. `shows` is retained forever too, never compacted:
 * compaction keeps the last record of a key, and the first definition of a show is the only
 * one (docs/design.md §3.4).
 */
export function topicSpecs(names: TopicNames, partitions: number): TopicSpec[] {
  const forever = { 'retention.ms': '-1', 'retention.bytes': '-1' };
  return [
    {
      topic: names.commands,
      numPartitions: partitions,
      configs: { ...forever, 'message.timestamp.type': 'LogAppendTime' },
    },
    { topic: names.events, numPartitions: partitions, configs: { ...forever } },
    { topic: names.deadLetters, numPartitions: 1, configs: {} },
    {
      topic: names.shows,
      numPartitions: 1,
      // Log time lets a worker tell whether a show existed when a command was logged.
      configs: {
        'cleanup.policy': 'delete',
        ...forever,
        'message.timestamp.type': 'LogAppendTime',
      },
      adopt:
        'Earlier versions compacted it, but compaction keeps the last record of a show while the first is the show; retained forever it keeps every record and deletes none. A show defined twice before this change may already read as its later definition (the show catalog warns when records are missing).',
    },
  ];
}
