/**
 * A stand-in for the Azure Functions Node.js worker, enough to load an app and invoke it the way
 * the worker does. The real host and worker cannot run here (Core Tools cannot be installed:
 * docs/SDK-FACTS.md), so this plays their part over the same seam the real worker uses:
 *
 * - it provides the `@azure/functions-core` module (the worker hooks Node's module loader so that
 *   `require('@azure/functions-core')` returns its API; @azure/functions looks for it on the first
 *   registration and falls back to "test mode" without it);
 * - it records what the app registers: `registerFunction(metadata, handler)` with the function's
 *   bindings (trigger type, schedule, route, queue …), and the programming model;
 * - it invokes a function through that programming model (`getInvocationModel`, `getArguments`,
 *   `invokeFunction`, `getResponse`), as the worker does with an invocation request from the host,
 *   so trigger data is converted by the app's own copy of @azure/functions (the bundled one, in a
 *   bundle).
 *
 * It is not the host: no bindings are executed (no timer fires, no queue is read), no host.json
 * setting is applied, and the invocation request is written by hand in the host's RPC shape.
 */
import Module from 'node:module';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out';
  [setting: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingMetadata>;
}

type Handler = (...args: unknown[]) => unknown;

interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: Handler): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ returnValue?: unknown; outputData?: unknown[] }>;
}

interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: unknown): InvocationModel;
}

export interface Registration {
  metadata: FunctionMetadata;
  handler: Handler;
}

export interface WorkerLog {
  level: string;
  category: string;
  message: string;
}

export interface FakeWorker {
  readonly registrations: Map<string, Registration>;
  readonly programmingModel: () => ProgrammingModel | undefined;
  /** Loads the app's entry files as the worker does: every file `main` names, in order. */
  load(files: string[]): void;
  /** One invocation through the programming model, with trigger data in the host's RPC shape. */
  invoke(name: string, inputData: { name?: string; data: Record<string, unknown> }[], logs?: WorkerLog[]): Promise<{ returnValue?: unknown; outputData?: unknown[] }>;
  /** Stops answering `require('@azure/functions-core')`. */
  uninstall(): void;
}

const CORE_MODULE = '@azure/functions-core';

export function installFakeWorker(): FakeWorker {
  const registrations = new Map<string, Registration>();
  let model: ProgrammingModel | undefined;
  const coreApi = {
    version: '3.12.0-fake',
    hostVersion: '4.1041.0-fake',
    setProgrammingModel(programmingModel: ProgrammingModel) {
      model = programmingModel;
    },
    getProgrammingModel: () => model,
    registerFunction(metadata: FunctionMetadata, handler: Handler) {
      if (registrations.has(metadata.name)) throw new Error(`function "${metadata.name}" registered twice`);
      registrations.set(metadata.name, { metadata, handler });
      return { dispose() {} };
    },
    registerHook: () => ({ dispose() {} }),
    log: () => undefined,
  };
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function load(request: string, ...rest: [unknown, boolean]) {
    if (request === CORE_MODULE) return coreApi;
    return original.call(this, request, ...rest);
  };
  return {
    registrations,
    programmingModel: () => model,
    load(files) {
      for (const file of files) require(file);
    },
    async invoke(name, inputData, logs = []) {
      const registration = registrations.get(name);
      if (!registration || !model) throw new Error(`function "${name}" is not registered`);
      const trigger = Object.entries(registration.metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
      if (!trigger) throw new Error(`function "${name}" has no trigger binding`);
      const invocationId = randomUUID();
      const invocation = model.getInvocationModel({
        invocationId,
        state: 'invocation',
        metadata: { ...registration.metadata, functionId: name },
        request: { invocationId, functionId: name, inputData: inputData.map((input) => ({ name: input.name ?? trigger[0], data: input.data })), triggerMetadata: {} },
        log: (level: string, category: string, message: string) => logs.push({ level, category, message }),
      });
      const { context, inputs } = await invocation.getArguments();
      const result = await invocation.invokeFunction(context, inputs, registration.handler);
      return invocation.getResponse(context, result);
    },
    uninstall() {
      loader._load = original;
    },
  };
}

/** A timer trigger's input as the host sends it (the worker camel-cases it into a Timer). */
export function timerInput(): { data: Record<string, unknown> } {
  return { data: { json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false }) } };
}

/** An HTTP trigger's input as the host sends it. */
export function httpInput(url: string, method = 'GET'): { data: Record<string, unknown> } {
  const parsed = new URL(url);
  return { data: { http: { method, url, headers: { host: parsed.host }, query: Object.fromEntries(parsed.searchParams), params: {} } } };
}

/**
 * The files the worker loads for the app in `root`: package.json's `main`, a path or a `*` glob in
 * one folder (as `dist/functions/*.js`), matched the way the worker expands it, in name order.
 */
export function mainFiles(appRoot: string): string[] {
  const root = resolve(appRoot);
  const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string }).main;
  if (!main) throw new Error(`${root}/package.json has no "main"`);
  if (/[{}[\]?]|\*\*/.test(main)) throw new Error(`main "${main}": only a path or one "*" in the file name is understood here`);
  const slash = main.lastIndexOf('/');
  const dir = join(root, main.slice(0, Math.max(slash, 0)));
  const pattern = main.slice(slash + 1);
  if (!pattern.includes('*')) return [join(root, main)];
  const re = new RegExp(`^${pattern.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // no such folder: nothing matches, which the caller reports
  }
  return names.filter((name) => re.test(name)).sort().map((name) => join(dir, name));
}
