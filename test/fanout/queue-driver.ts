/**
 * There is no local Functions host (docs/SDK-FACTS.md), so this driver does what the host's queue listener
 * does, with the settings of host.json's `extensions.queues`: receive up to `batchSize` messages
 * under a lease, decode base64 and hand the handler the JSON object (or the string), with
 * `triggerMetadata.dequeueCount`; on success delete the message; on a throw either release it
 * after `visibilityTimeout` or, once `dequeueCount` reached `maxDequeueCount`, copy it to
 * the poison queue (`<queue>-poison`) and delete it. A message received with a dequeue count already past the
 * maximum (its instance died mid-batch every time) goes to the poison queue without a call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';

interface HostQueues {
  batchSize: number;
  maxDequeueCount: number;
  visibilityTimeout: string;
  messageEncoding: 'base64' | 'none';
}

export function hostQueueSettings(): HostQueues {
  const host = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as { extensions: { queues: HostQueues } };
  return host.extensions.queues;
}

const seconds = (span: string) => span.split(':').reduce((total, part) => total * 60 + Number(part), 0);

export type QueueHandler = (item: unknown, context: InvocationContext) => Promise<void>;

export interface DriverLog {
  invocations: number;
  failures: number;
  poisoned: number;
  logs: [string, string][];
}

export class QueueDriver {
  readonly settings = hostQueueSettings();
  readonly log: DriverLog = { invocations: 0, failures: 0, poisoned: 0, logs: [] };

  constructor(
    private readonly queue: QueueClient,
    private readonly poisonQueue: QueueClient,
    private readonly handler: QueueHandler,
    private readonly options: { leaseSeconds?: number; retryDelaySeconds?: number } = {},
  ) {}

  /** Receives and handles messages until the queue stays empty (in-flight retries included). */
  async drain(maxRounds = 10_000): Promise<void> {
    let idle = 0;
    for (let round = 0; round < maxRounds; round++) {
      const { receivedMessageItems } = await this.queue.receiveMessages({ numberOfMessages: this.settings.batchSize, visibilityTimeout: this.options.leaseSeconds ?? 600 });
      if (receivedMessageItems.length === 0) {
        // A released message becomes visible after the retry delay: look again before calling it empty.
        const { approximateMessagesCount } = await this.queue.getProperties();
        if (!approximateMessagesCount && ++idle > 1) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      idle = 0;
      await Promise.all(receivedMessageItems.map((message) => this.handle(message)));
    }
    throw new Error(`queue not drained after ${maxRounds} rounds`);
  }

  private async handle(message: DequeuedMessageItem): Promise<void> {
    if (message.dequeueCount > this.settings.maxDequeueCount) return this.poison(message);
    const text = this.settings.messageEncoding === 'base64' ? Buffer.from(message.messageText, 'base64').toString('utf8') : message.messageText;
    let item: unknown = text;
    try {
      item = JSON.parse(text);
    } catch {
      // Not JSON: the host passes the string.
    }
    const context = new InvocationContext({
      invocationId: message.messageId,
      functionName: 'queue',
      logHandler: (level, ...args) => this.log.logs.push([level, args.join(' ')]),
      triggerMetadata: { id: message.messageId, dequeueCount: message.dequeueCount, insertionTime: message.insertedOn, popReceipt: message.popReceipt },
    });
    this.log.invocations++;
    try {
      await this.handler(item, context);
      await this.queue.deleteMessage(message.messageId, message.popReceipt);
    } catch (error) {
      this.log.failures++;
      this.log.logs.push(['error', `handler threw: ${(error as Error).message}`]);
      if (message.dequeueCount >= this.settings.maxDequeueCount) return this.poison(message);
      const delay = this.options.retryDelaySeconds ?? seconds(this.settings.visibilityTimeout);
      await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, delay);
    }
  }

  private async poison(message: DequeuedMessageItem): Promise<void> {
    await this.poisonQueue.createIfNotExists();
    await this.poisonQueue.sendMessage(message.messageText);
    await this.queue.deleteMessage(message.messageId, message.popReceipt);
    this.log.poisoned++;
  }
}
