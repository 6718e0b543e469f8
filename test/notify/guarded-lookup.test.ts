/**
 * A channel URL is checked by name when it is read (channel-url.ts), but a name can resolve to the
 * cloud metadata address. The connection's own DNS lookup (guarded-lookup.ts) refuses such an
 * address before connecting: the receiver sees nothing. DNS answers are played by a lookup passed
 * in (no resolver here can be pointed at a test zone); the connection, TLS and POST are real, to a
 * local HTTPS receiver named `localhost`, and one test goes through the system's resolver.
 */
import type { LookupAddress } from 'node:dns';
import { ChannelError, postJson } from '../../shared/notify/channels/channel';
import { guardedLookup, type LookupFunction } from '../../shared/notify/channels/guarded-lookup';
import { startReceiver, type Receiver } from './receivers';

let receiver: Receiver;
let byName: string;
beforeAll(async () => {
  receiver = await startReceiver();
  byName = receiver.url.replace('127.0.0.1', 'localhost');
});
afterAll(() => receiver?.stop());
beforeEach(() => {
  receiver.received.length = 0;
});

/** A DNS that answers `addresses` for every name, and counts its questions. */
function dnsAnswering(...addresses: string[]): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const fn = ((hostname, _options, callback) => {
    asked.push(hostname);
    const list: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    callback(null, list);
  }) as LookupFunction & { asked: string[] };
  fn.asked = asked;
  return fn;
}

const send = (lookup: LookupFunction) => postJson(byName, '{"n":1}', {}, AbortSignal.timeout(3000), lookup);

describe('a channel host that resolves to a forbidden address', () => {
  test('a name resolving to 169.254.169.254 is refused before connecting; nothing is sent, no retry', async () => {
    const dns = dnsAnswering('169.254.169.254');
    const error = await send(guardedLookup(dns)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).message).toBe('localhost resolves to a link-local address (such as the cloud metadata endpoint 169.254.169.254), where no notification receiver is; nothing was sent');
    expect((error as ChannelError).retryable).toBe(false);
    expect((error as ChannelError).message).not.toContain('sig-token');
    expect(dns.asked).toEqual(['localhost']);
    expect(receiver.received).toHaveLength(0);
  });

  test('one forbidden address among good ones is refused too (the socket may pick any)', async () => {
    for (const bad of ['::ffff:169.254.169.254', 'fe80::1', '0.0.0.0']) {
      await expect(send(guardedLookup(dnsAnswering('127.0.0.1', bad)))).rejects.toThrow(/resolves to .*nothing was sent/);
    }
    expect(receiver.received).toHaveLength(0);
  });

  test('(twin) the same name resolving to a loopback address is delivered over the real connection', async () => {
    const dns = dnsAnswering('127.0.0.1');
    await send(guardedLookup(dns));
    expect(dns.asked).toEqual(['localhost']);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toBe('{"n":1}');
  });

  test('the default lookup is the system resolver, guarded: localhost is delivered', async () => {
    await postJson(byName, '{"n":2}', {}, AbortSignal.timeout(3000));
    expect(receiver.received.map((r) => r.body)).toEqual(['{"n":2}']);
  });

  test('a resolver error is a retryable "could not reach" naming the host and the code', async () => {
    const failing: LookupFunction = (_h, _o, callback) => callback(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    const error = (await send(guardedLookup(failing)).catch((e: unknown) => e)) as ChannelError;
    expect(error.message).toMatch(/^could not reach localhost:\d+: ENOTFOUND$/);
    expect(error.retryable).toBe(true);
  });
});
