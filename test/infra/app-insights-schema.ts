/**
 * The classic Application Insights tables the monitor's queries run against, with Microsoft's
 * column types, for binding them with the Kusto language service (kusto-language.ts).
 *
 * Source: "Migrate to workspace-based Application Insights resources", section "Table schemas"
 * (one table per legacy name, columns with their types), Microsoft Learn:
 * https://learn.microsoft.com/en-us/azure/azure-monitor/app/convert-classic-resource#table-schemas
 *
 * Classic names, not the workspace's (AppAvailabilityResults, AppEvents, …): the alert rules are
 * scoped to the Application Insights component and the workbook's items to
 * `microsoft.insights/components` (kql-sources.ts checks both), and a query there sees the
 * classic schema — also on a workspace-based resource such as ours, whose Logs blade keeps the
 * classic names (same page, "Table schemas"). Note the types a query can trip on: `success` is a
 * **string** ("1"/"0"; only the workspace's `Success` is a bool), `customDimensions` and
 * `customMeasurements` are dynamic, `duration` is real (milliseconds).
 *
 * Only the tables the monitor writes or an admin's query could plausibly join with it:
 * availabilityResults, customEvents, exceptions (ours), traces, requests, dependencies (the
 * Functions host's own telemetry in the same resource). Columns are complete for those tables.
 */

/** The resource type whose query scope is this schema (workbook items' `resourceType`). */
export const CLASSIC_RESOURCE_TYPE = 'microsoft.insights/components';

/** Columns every classic table shares (same names and types in each table of the page). */
const COMMON: Record<string, string> = {
  appId: 'string',
  application_Version: 'string',
  appName: 'string',
  client_Browser: 'string',
  client_City: 'string',
  client_CountryOrRegion: 'string',
  client_IP: 'string',
  client_Model: 'string',
  client_OS: 'string',
  client_StateOrProvince: 'string',
  client_Type: 'string',
  cloud_RoleInstance: 'string',
  cloud_RoleName: 'string',
  customDimensions: 'dynamic',
  iKey: 'string',
  itemId: 'string',
  itemType: 'string',
  operation_Id: 'string',
  operation_Name: 'string',
  operation_ParentId: 'string',
  operation_SyntheticSource: 'string',
  sdkVersion: 'string',
  session_Id: 'string',
  timestamp: 'datetime',
  user_AccountId: 'string',
  user_AuthenticatedId: 'string',
  user_Id: 'string',
};

/** Table name → column name → Kusto scalar type. */
export const CLASSIC_TABLES: Record<string, Record<string, string>> = {
  availabilityResults: {
    ...COMMON,
    customMeasurements: 'dynamic',
    duration: 'real',
    id: 'string',
    itemCount: 'int',
    location: 'string',
    message: 'string',
    name: 'string',
    performanceBucket: 'string',
    size: 'real',
    success: 'string',
  },
  customEvents: { ...COMMON, customMeasurements: 'dynamic', itemCount: 'int', name: 'string' },
  exceptions: {
    ...COMMON,
    assembly: 'string',
    customMeasurements: 'dynamic',
    details: 'dynamic',
    handledAt: 'string',
    innermostAssembly: 'string',
    innermostMessage: 'string',
    innermostMethod: 'string',
    innermostType: 'string',
    itemCount: 'int',
    message: 'string',
    method: 'string',
    outerAssembly: 'string',
    outerMessage: 'string',
    outerMethod: 'string',
    outerType: 'string',
    problemId: 'string',
    severityLevel: 'int',
    type: 'string',
  },
  traces: { ...COMMON, customMeasurements: 'dynamic', itemCount: 'int', message: 'string', severityLevel: 'int' },
  requests: {
    ...COMMON,
    customMeasurements: 'dynamic',
    duration: 'real',
    id: 'string',
    itemCount: 'int',
    name: 'string',
    performanceBucket: 'string',
    resultCode: 'string',
    source: 'string',
    success: 'string',
    url: 'string',
  },
  dependencies: {
    ...COMMON,
    customMeasurements: 'dynamic',
    data: 'string',
    duration: 'real',
    id: 'string',
    itemCount: 'int',
    name: 'string',
    performanceBucket: 'string',
    resultCode: 'string',
    success: 'string',
    target: 'string',
    type: 'string',
  },
};

/** The schema a query scoped to `resourceType` sees; only the classic component is known here. */
export function schemaFor(resourceType: string): Record<string, Record<string, string>> {
  if (resourceType.toLowerCase() !== CLASSIC_RESOURCE_TYPE) {
    throw new Error(`no schema for queries scoped to ${resourceType}: a workspace scope sees AppAvailabilityResults, AppEvents, … (add them before scoping a query there)`);
  }
  return CLASSIC_TABLES;
}
