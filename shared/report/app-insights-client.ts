/**
 * The `applicationinsights` SDK's classic client, as `new TelemetryClient(cs, { useGlobalProviders:
 * false })` builds it, made of the same SDK parts but without the modules that path never uses.
 *
 * Why: `require('applicationinsights')` loads ~2,800 files (1.5 s of CPU here, docs/SDK-FACTS.md):
 * its index and `shim/telemetryClient.js` both require `main.js`, the global setup
 * (`useAzureMonitor`), which loads @azure/monitor-opentelemetry with every auto-instrumentation
 * (http, mongodb, mysql, pg, redis, bunyan, winston, Azure SDK), the resource detectors, Live
 * Metrics, the OTLP gRPC/proto exporters, the Zipkin exporter and @opentelemetry/sdk-node. With
 * `useGlobalProviders: false` none of it runs: the client only calls `main.js` to flush or shut
 * down when it has no provider of its own, which never happens once it is initialised. What a run
 * that sends availability results, events and exceptions does use is built here from the SDK's own
 * classes, exactly as `TelemetryClient.initialize()` (3.16.0) builds it: the shim's Config (its
 * `parseConfig()` turns our options into the exporter's), the TelemetryClientProvider (Azure
 * Monitor exporters, the logger/tracer/meter providers), the attribute processors and LogApi (what
 * turns trackAvailability / trackEvent / trackException into log records). The package stays the
 * SDK; only its entry point is bypassed (paths pinned by the exact version in package.json).
 *
 * One side effect of loading `main.js` is kept on purpose: @azure/monitor-opentelemetry sets
 * AZURE_MONITOR_DISTRO_VERSION when it loads, and the exporter stamps every envelope's
 * `ai.internal.sdkVersion` with it (`…:dst1.21.0`); the same value is set here, so the envelopes
 * stay byte for byte what the full SDK sent (test/report/wire-golden.test.ts).
 *
 * Not carried over: the SDK's config warnings (only settings from an applicationinsights.json file
 * produce them, and it writes them to OpenTelemetry's `diag`, which has no logger here) and its
 * multi-instance statsbeat feature flag (statsbeat is off: app-insights-sink.ts).
 */
import Config = require('applicationinsights/out/src/shim/shim-config');
import { Context } from 'applicationinsights/out/src/shim/context';
import { LogApi } from 'applicationinsights/out/src/shim/logsApi';
import { TelemetryClientProvider } from 'applicationinsights/out/src/shim/telemetryClientProvider';
import { AttributeLogProcessor } from 'applicationinsights/out/src/shared/util/attributeLogRecordProcessor';
import { AttributeSpanProcessor } from 'applicationinsights/out/src/shared/util/attributeSpanProcessor';
import type { AvailabilityTelemetry, EventTelemetry, ExceptionTelemetry } from 'applicationinsights/out/src/declarations/contracts';

/** What loading @azure/monitor-opentelemetry would set (its types.js AZURE_MONITOR_OPENTELEMETRY_VERSION equals its package version). */
const DISTRO_VERSION_SETTING = 'AZURE_MONITOR_DISTRO_VERSION';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const DISTRO_VERSION = (require('@azure/monitor-opentelemetry/package.json') as { version: string }).version;

export class ClassicTelemetryClient {
  /** The SDK's own config object: `samplingPercentage`, `azureMonitorOpenTelemetryOptions`. */
  readonly config: Config;
  private readonly context = new Context();
  private readonly commonProperties: Record<string, string> = {};
  private provider: TelemetryClientProvider | undefined;
  private logApi: LogApi | undefined;

  constructor(connectionString: string) {
    process.env[DISTRO_VERSION_SETTING] = DISTRO_VERSION;
    this.config = new Config(connectionString, []);
  }

  /** TelemetryClient.initialize() with useGlobalProviders false: providers built on first use, from the config as it is then. */
  private api(): LogApi {
    if (this.logApi) return this.logApi;
    const options = this.config.parseConfig();
    const attributes = { ...this.context.tags, ...this.commonProperties };
    options.spanProcessors = [...(options.spanProcessors ?? []), new AttributeSpanProcessor(attributes)];
    options.logRecordProcessors = [...(options.logRecordProcessors ?? []), new AttributeLogProcessor(attributes)];
    this.provider = new TelemetryClientProvider(options);
    this.logApi = new LogApi(this.provider.getLogger('ApplicationInsightsLogger'));
    return this.logApi;
  }

  trackAvailability(telemetry: AvailabilityTelemetry): void {
    this.api().trackAvailability(telemetry);
  }

  trackEvent(telemetry: EventTelemetry): void {
    this.api().trackEvent(telemetry);
  }

  trackException(telemetry: ExceptionTelemetry): void {
    this.api().trackException(telemetry);
  }

  /** Sends what is buffered; resolves whatever the far end did (see ingestion-watch.ts). */
  async flush(): Promise<void> {
    await this.provider?.flush();
  }
}
