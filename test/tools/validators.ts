/**
 * The real validator tools (Bicep CLI, the PowerShell parser host) live in tools/azure/.bin, put
 * there by `bash tools/azure/install.sh` (it needs the .NET SDK). A machine without them — a
 * newcomer running `npm test` without .NET — skips their tests with one visible line naming the
 * tool and how to get it. CI sets MAILBOX_HEALTH_REQUIRE_VALIDATORS=1: there a missing tool fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REQUIRE_VALIDATORS_ENV = 'MAILBOX_HEALTH_REQUIRE_VALIDATORS';
const BIN = join(__dirname, '..', '..', 'tools', 'azure', '.bin');

export interface Validator {
  name: string;
  /** The file that must exist: an executable, or a .dll run with `dotnet`. */
  path: string;
}

export const BICEP: Validator = { name: 'Bicep CLI', path: join(BIN, 'bicep') };
export const PWSH_CHECK: Validator = { name: 'PowerShell parser host (pwsh-check)', path: join(BIN, 'pwsh-check', 'pwsh-check.dll') };

const HOW = 'install the .NET SDK and run: bash tools/azure/install.sh';

/**
 * `describe` when the tool is there. Without it: one line on stderr and a skipped placeholder,
 * or, when CI requires the validators, one failing test that says what to install.
 */
export function describeWithValidator(tool: Validator, title: string, body: () => void): void {
  if (existsSync(tool.path)) {
    describe(title, body);
    return;
  }
  const message = `${tool.name} is not installed (${tool.path}): ${HOW}`;
  if (process.env[REQUIRE_VALIDATORS_ENV] === '1') {
    describe(title, () => {
      it(`needs the ${tool.name}`, () => {
        throw new Error(`${message} (${REQUIRE_VALIDATORS_ENV}=1 requires it)`);
      });
    });
    return;
  }
  process.stderr.write(`skipped: ${title}: ${message}\n`);
  describe.skip(`${title} (${tool.name} not installed)`, () => it.skip('needs the tool', () => undefined));
}
