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
}

/**
 * `seat-commands` is the record of truth and stamps log time (LogAppendTime); it and
 * `seat-events` are retained forever. `shows` is compacted: one immutable record a show.
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
      configs: { 'cleanup.policy': 'compact', 'message.timestamp.type': 'LogAppendTime' },
    },
  ];
}
