/**
 * The partition a key lands in, exactly as every Holdfast producer (kafkajs's default
 * partitioner: murmur2, as Java's) picks it for a topic of `partitions` partitions.
 */
import { Partitioners } from 'kafkajs';

export function partitionOfKey(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({
    topic: 'any', // the default partitioner ignores the topic for keyed records
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });
}
