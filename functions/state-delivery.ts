/** Interim: the batch's results to the state sink, until the shared delivery lands (issue 5). */
import type { RunReport } from '../shared/contract/result';
import type { RunPlan } from '../shared/run/plan';
import type { RunContext } from '../shared/report/sink';
import { StateSink, stateConfigured, stateStoreFromSettings } from '../shared/report/state-sink';

export async function deliverBatch(report: RunReport, plan: RunPlan, run: RunContext, env: NodeJS.ProcessEnv): Promise<{ errors: string[] }> {
  if (!stateConfigured(env)) return { errors: [] };
  const errors: string[] = [];
  await new StateSink(stateStoreFromSettings(env), (line) => errors.push(line)).report(report, plan, run);
  return { errors };
}

/** Interim: the dead batch's exception, until the shared delivery lands (issue 5). */
export async function deliverDeadBatch(_error: Error, _run: RunContext, _properties: Record<string, string>, _env: NodeJS.ProcessEnv): Promise<void> {}
