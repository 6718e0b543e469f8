/** The JSON Schema editors use (mailboxes.schema.json), generated from the same zod schema. */
import { z } from 'zod';
import { configSchema } from './schema';

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/m365-mailbox-health/m365-mailbox-health/mailboxes.schema.json',
    title: 'm365-mailbox-health configuration',
  };
}
