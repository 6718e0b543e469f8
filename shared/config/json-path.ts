/** A JSON path as messages write it: $.mailboxes[3].address, a strange key quoted and clipped. */
import { excerpt } from './fields';

export function jsonPath(path: PropertyKey[]): string {
  let out = '$';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `["${excerpt(String(key), 40)}"]`;
  return out;
}
