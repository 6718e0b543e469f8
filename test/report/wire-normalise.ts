/**
 * Telemetry envelopes as compared with the recording (wire-golden.json): sorted, keys in order,
 * and only what changes from run to run masked — times, ids, durations and timings, the host name,
 * the simulator's ports, Node's major version and the exception's stack frames.
 */
import { hostname } from 'node:os';
import type { Envelope } from '../../sim/ingestion-server';

export const GOLDEN_FILE = `${__dirname}/wire-golden.json`;

/** Values that differ between two runs of the same telemetry; everything else is compared as sent. */
const VOLATILE_KEYS = new Set(['time', 'duration', 'id', 'runId', 'durationMs', 'expiresOn', 'ai.operation.id', 'ai.operation.parentId', 'ai.cloud.roleInstance', 'host', 'stack', 'parsedStack', 'runLocation', 'location']);
const TIMING = /Ms$/;

export function normalise(envelopes: Envelope[], runHost = hostname()): unknown[] {
  const mask = (value: unknown, key = ''): unknown => {
    if (VOLATILE_KEYS.has(key) || TIMING.test(key)) return `<${key}>`;
    if (Array.isArray(value)) return value.map((v) => mask(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, mask(v, k)]));
    // The SDK version tag names Node's major version (CI runs the suite on 20 and 22).
    if (key === 'ai.internal.sdkVersion') return String(value).replace(/^node\d+:/, 'node<major>:');
    if (typeof value === 'string') return value.split(runHost).join('<host>').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/?/g, (id) => (id.startsWith('00000000-') ? id : '<uuid>'));
    return value;
  };
  const key = (e: Envelope) => `${e.name} ${String(e.data.baseData.name ?? '')} ${e.data.baseData.properties?.mailbox ?? ''} ${e.data.baseData.properties?.code ?? ''}`;
  return [...envelopes].sort((a, b) => key(a).localeCompare(key(b))).map((e) => mask(e));
}

