/** The Functions log is a human surface: handlers log through `inertContext` (functions/inert-context.ts). */
import { InvocationContext } from '@azure/functions';
import { inertContext } from '../../functions/inert-context';

const HOSTILE = 'hr failed: \u001b[2J\u001b]0;owned\u0007 \u202egnp.exe\nsecond line';

function contextLogging(): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const context = new InvocationContext({ invocationId: 'i', functionName: 'checkTimer', logHandler: (level, ...args) => lines.push(`${level} ${args.join(' ')}`) });
  return { context, lines };
}

describe('inertContext', () => {
  it('writes out escapes, bidi overrides and newlines on every log level', () => {
    const { context, lines } = contextLogging();
    const inert = inertContext(context);
    inert.log(HOSTILE);
    inert.warn(HOSTILE);
    inert.error(HOSTILE, 42);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toContain('\\x1b[2J');
      expect(line).toContain('\\u202e');
      expect(line).toContain('\\nsecond line');
      expect(line).not.toMatch(/[\u0000-\u001f\u202e]/);
    }
    expect(lines[2]).toMatch(/ 42$/); // non-string arguments pass as they are
  });

  it('keeps the host context for everything else', () => {
    const { context } = contextLogging();
    const inert = inertContext(context);
    expect(inert.invocationId).toBe('i');
    expect(inert.functionName).toBe('checkTimer');
  });

  it('(twin) the host context alone passes the raw characters through', () => {
    const { context, lines } = contextLogging();
    context.log(HOSTILE);
    expect(lines[0]).toContain('\u001b[2J');
  });
});
