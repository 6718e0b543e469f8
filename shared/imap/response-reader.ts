/**
 * Splits what an IMAP server sends into whole responses: a line, or a line with literals
 * (`{n}` CRLF then n bytes) and its continuation. Bounded: a response longer than `maxBytes`
 * (a 10 MB greeting, a line that never ends, a literal announcing 99 MB) is a protocol error at
 * once instead of memory the process cannot spare. Literal bytes are kept as they came; the text
 * a caller reads is UTF-8 (invalid bytes become U+FFFD, never an exception).
 */
export class ResponseTooLong extends Error {
  readonly code = 'ResponseTooLong';
}

export class ResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  /** The parts of a response whose line announced a literal, while its bytes are still coming. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes of literal still owed before the response's next line. */
  private literalLeft = 0;

  constructor(
    private readonly onResponse: (text: string) => void,
    private readonly maxBytes: number,
  ) {}

  /** Feeds received bytes; calls onResponse for each complete response, in order. Throws ResponseTooLong. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.literalLeft > 0) {
        if (this.pending.length < this.literalLeft) return this.checkSize(this.pending.length);
        this.take(this.literalLeft, 0);
        this.literalLeft = 0;
        continue;
      }
      const lf = this.pending.indexOf(0x0a);
      if (lf < 0) return this.checkSize(this.pending.length);
      const end = lf > 0 && this.pending[lf - 1] === 0x0d ? lf - 1 : lf;
      const literal = literalAt(this.pending, end);
      this.take(end, lf + 1 - end);
      if (literal !== undefined) {
        // The literal's bytes, then the rest of the response's line, follow.
        this.checkSize(literal);
        this.literalLeft = literal;
        continue;
      }
      const text = Buffer.concat(this.parts, this.partsBytes).toString('utf8');
      this.parts = [];
      this.partsBytes = 0;
      this.onResponse(text);
    }
  }

  /** Moves `bytes` of pending into the response being built and drops `skip` more (the line end). */
  private take(bytes: number, skip: number): void {
    this.parts.push(this.pending.subarray(0, bytes));
    this.partsBytes += bytes;
    this.pending = this.pending.subarray(bytes + skip);
  }

  private checkSize(more: number): void {
    if (this.partsBytes + more > this.maxBytes) {
      throw new ResponseTooLong(`the server sent a response longer than ${Math.round(this.maxBytes / 1024)} KiB`);
    }
  }
}

/** The size of the literal a line announces at its end (`{12}` or `{12+}`), or undefined. */
function literalAt(buffer: Buffer, end: number): number | undefined {
  if (end < 3 || buffer[end - 1] !== 0x7d) return undefined; // '}'
  let i = end - 2;
  if (buffer[i] === 0x2b) i--; // '+'
  let digits = 0;
  let value = 0;
  for (; i >= 0 && buffer[i]! >= 0x30 && buffer[i]! <= 0x39; i--) {
    value += (buffer[i]! - 0x30) * 10 ** digits;
    digits++;
  }
  return digits > 0 && digits <= 15 && buffer[i] === 0x7b ? value : undefined; // '{'
}
