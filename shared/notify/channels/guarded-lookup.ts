/**
 * The DNS lookup a notification's connection uses: the system's, then every address it returns is
 * checked like the URL's host (channel-url.ts `forbiddenHost`). A channel URL passes its check when
 * it is read by name (`hooks.example.com`), yet that name may resolve to 169.254.169.254 — by
 * mistake or on purpose (DNS rebinding between the check and the send). Checking the addresses the
 * socket will actually connect to, inside the connect, leaves no window between check and use.
 */
import { lookup as systemLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { forbiddenHost } from '../channel-url';

/** The shape `net.connect` calls (`lookup` option): with `all: true` under Happy Eyeballs. */
export type LookupFunction = (
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export class ForbiddenAddressError extends Error {
  override name = 'ForbiddenAddressError';
  readonly code = 'EFORBIDDENADDRESS';
}

/** `resolve` is the system's lookup; tests pass their own to play a DNS answer. */
export function guardedLookup(resolve: LookupFunction = systemLookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const bad = list.map((a) => forbiddenHost(a.address)).find((why) => why !== undefined);
      // The host is named (it is not secret: the URL's key is in its path or query); the address is
      // not needed to act on it, and the name alone says which channel to fix.
      if (bad) return callback(new ForbiddenAddressError(`${hostname} resolves to ${bad}, where no notification receiver is; nothing was sent`), []);
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if ((options as LookupAllOptions).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
