import type { KafkaMessage, Message, Producer } from 'kafkajs';
import type { DeadLetterCode } from './decode.js';
import { retryUntilAccepted, type RetryContext } from './retry.js';

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

/**
 * Writes a batch's dead letters, acknowledged by every replica, retrying like the batch's other work;
 * false when the consumer stopped or lost the partition first (the batch is then not done).
 */
export function sendDeadLetters(
  producer: Pick<Producer, 'send'>,
  to: { deadLetterTopic: string; timeoutMs: number },
  from: { topic: string; partition: number },
  letters: Message[],
  ctx: RetryContext,
): Promise<boolean> {
  return retryUntilAccepted(
    'dead-letter',
    `dead letters from ${from.topic}/${from.partition}`,
    async () => {
      await producer.send({ topic: to.deadLetterTopic, acks: -1, timeout: to.timeoutMs, messages: letters });
    },
    ctx,
  );
}
