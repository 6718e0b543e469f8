/**
 * infra/ compiled and linted by the real Bicep CLI (types, property names, module parameters,
 * expressions, and the linter's rules; suppressions only in infra/bicepconfig.json, each with its
 * reason). Every success is paired with a broken copy the CLI must reject with its diagnostic code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BICEP, describeWithValidator } from '../tools/validators';
import { BICEP_TEST_TIMEOUT_MS, describeDiagnostics, INFRA, runBicep, scratchInfra, type BicepRun } from './bicep-cli';

/** Edits one file of a scratch copy of infra/, runs the CLI on its main.bicep, removes the copy. */
async function onBrokenCopy(command: 'build' | 'lint', file: string, from: string, to: string): Promise<BicepRun> {
  const scratch = scratchInfra();
  try {
    const path = join(scratch.infra, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update the twin`);
    writeFileSync(path, text.replace(from, to));
    return await runBicep(command === 'build' ? ['build', join(scratch.infra, 'main.bicep'), '--stdout'] : ['lint', join(scratch.infra, 'main.bicep')]);
  } finally {
    scratch.remove();
  }
}

const codes = (run: BicepRun) => run.diagnostics.map((d) => `${d.level} ${d.code} ${d.file.replace(/^.*\/infra\//, '')}`);

describeWithValidator(BICEP, 'infra/ with the real Bicep CLI', () => {
  it('bicep build infra/main.bicep: no error and no warning (a mistyped property is only a warning)', async () => {
    const run = await runBicep(['build', join(INFRA, 'main.bicep'), '--stdout']);
    expect(describeDiagnostics(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).$schema).toMatch(/subscriptionDeploymentTemplate\.json#$/);
  }, BICEP_TEST_TIMEOUT_MS);

  it('bicep lint infra/main.bicep (and every module it uses): no warning', async () => {
    const run = await runBicep(['lint', join(INFRA, 'main.bicep')]);
    expect(describeDiagnostics(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, BICEP_TEST_TIMEOUT_MS);

  it('failing twin: a mistyped property in a module is reported with BCP089 and its file', async () => {
    const run = await onBrokenCopy('build', 'app/function-app.bicep', 'httpsOnly: true', 'httpsOnyl: true');
    expect(codes(run)).toEqual(['Warning BCP089 app/function-app.bicep']);
    expect(run.diagnostics[0].message).toContain('Did you mean "httpsOnly"?');
  }, BICEP_TEST_TIMEOUT_MS);

  it('failing twin: a module parameter given the wrong type fails the build with BCP036', async () => {
    const run = await onBrokenCopy('build', 'main.bicep', 'heartbeatMinutes: int(heartbeatMinutes)', 'heartbeatMinutes: heartbeatMinutes');
    expect(codes(run)).toEqual(['Error BCP036 main.bicep']);
    expect(run.exitCode).not.toBe(0);
  }, BICEP_TEST_TIMEOUT_MS);

  it('failing twin: the linter reaches the modules (an unused parameter in one is no-unused-params)', async () => {
    const run = await onBrokenCopy('lint', 'app/workbook.bicep', 'param tags object\n', 'param tags object\nparam unusedSetting string = \'\'\n');
    expect(codes(run)).toEqual(['Warning no-unused-params app/workbook.bicep']);
  }, BICEP_TEST_TIMEOUT_MS);
});

