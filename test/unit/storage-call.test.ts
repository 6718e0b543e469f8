/**
 * Which Table Storage failures storageCall tries again (the wire cases are in
 * test/e2e/fault-matrix-sinks.test.ts): transient answers and cut-off answers are, definitive
 * answers and a malformed body are not; a deadline stops retries and requests alike.
 */
import { RestError } from '@azure/data-tables';
import { storageCall, transientStorageError } from '../../shared/storage/storage-call';

const rest = (statusCode: number, retryAfter?: string) =>
  new RestError(`HTTP ${statusCode}`, { statusCode, response: { headers: { get: (n: string) => (n === 'retry-after' ? retryAfter : undefined) } } as never });

describe('transientStorageError', () => {
  it.each([
    ['HTTP 503', rest(503), 'HTTP 503'],
    ['HTTP 500', rest(500), 'HTTP 500'],
    ['HTTP 408', rest(408), 'HTTP 408'],
    ['an answer cut off part-way', new RestError('Error reading response as text: aborted', { code: 'PARSE_ERROR' }), 'answer cut off'],
    ['a reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'ECONNRESET'],
  ])('%s is transient', (_name, error, reason) => {
    expect(transientStorageError(error)?.reason).toBe(reason);
  });

  it('429 carries its Retry-After', () => {
    expect(transientStorageError(rest(429, '7'))).toEqual({ reason: 'HTTP 429', retryAfterMs: 7000 });
  });

  it.each([
    ['404', rest(404)],
    ['409 (a concurrent write: the store re-reads instead)', rest(409)],
    ['412', rest(412)],
    ['403', rest(403)],
    ['a malformed body', new RestError('Unexpected token < in JSON', { code: 'PARSE_ERROR' })],
    ['a refused connection (nothing listens: asking again does not help)', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('%s is not', (_name, error) => {
    expect(transientStorageError(error)).toBeUndefined();
  });
});

describe('storageCall', () => {
  it('tries a transient failure again and names the attempts when it gives up', async () => {
    let calls = 0;
    const failing = storageCall({ deadlineAt: performance.now() + 5000 }, async () => {
      calls++;
      throw rest(503);
    });
    await expect(failing).rejects.toThrow(/^HTTP 503 \[3 attempts: HTTP 503, HTTP 503, HTTP 503; gave up after 3 attempts\]$/);
    expect(calls).toBe(3);
  });

  it('a definitive answer is thrown as it is, after one attempt', async () => {
    let calls = 0;
    const error = rest(412);
    await expect(storageCall({ deadlineAt: performance.now() + 5000 }, async () => (calls++, Promise.reject(error)))).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('a Retry-After past the deadline is not waited for', async () => {
    let calls = 0;
    const started = performance.now();
    await expect(storageCall({ deadlineAt: performance.now() + 1000 }, async () => (calls++, Promise.reject(rest(429, '60'))))).rejects.toThrow(/the server asked to wait 60 s, more than the .* left/);
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('the request is aborted at the deadline, and says so', async () => {
    const hang = ({ abortSignal }: { abortSignal: AbortSignal }) => new Promise<never>((_resolve, reject) => abortSignal.addEventListener('abort', () => reject(new Error('The operation was aborted.'))));
    await expect(storageCall({ deadlineAt: performance.now() + 200 }, hang)).rejects.toThrow(/^no answer from Table Storage within \d+ ms$/);
  });
});
