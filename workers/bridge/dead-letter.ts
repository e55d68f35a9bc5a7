import type { KafkaMessage, Message } from 'kafkajs';
import type { DeadLetterCode } from './decode.js';

/**
 * The dead-letter copy of a malformed message: the original key and bytes untouched (an operator can
 * fix and re-publish them as they were), plus headers that say why and where it came from.
 */
export function deadLetterMessage(
  original: Pick<KafkaMessage, 'key' | 'value' | 'offset'>,
  from: { topic: string; partition: number },
  failure: { code: DeadLetterCode; reason: string },
  failedAt: Date,
): Message {
  return {
    key: original.key,
    value: original.value,
    headers: {
      'reason-code': failure.code,
      reason: failure.reason,
      'original-topic': from.topic,
      'original-partition': String(from.partition),
      'original-offset': original.offset,
      'failed-at': failedAt.toISOString(),
    },
  };
}
