import { exchangeResourceOf, type CloudEndpoints } from '../config/clouds';
import type { RemedyContext } from '../diagnosis/remedy-context';
import type { MailboxPlan } from './plan';
import type { SecretLocation } from '../credentials/secret';

function remedySecret(location: SecretLocation): RemedyContext['secret'] {
  if ('env' in location) return { env: location.env };
  const x5c = location.certificate?.sendX5c ? { sendX5c: true as const } : {};
  if ('certificateFile' in location) return { certificateFile: location.certificateFile, ...x5c };
  return { vaultUrl: location.vaultUrl, name: location.name, ...(location.certificate ? { certificate: true as const } : {}), ...x5c };
}

export function remedyContext(plan: MailboxPlan, cloud: CloudEndpoints): RemedyContext {
  return {
    mailboxId: plan.id,
    address: plan.address,
    host: plan.host,
    port: plan.port,
    folder: plan.folder,
    appId: plan.app.id,
    clientId: plan.app.clientId,
    tenantId: plan.app.tenantId,
    appName: plan.app.displayName,
    imapResource: cloud.imapResource,
    exchangeResource: exchangeResourceOf(cloud),
    authorityHost: cloud.authorityHost,
    // The Azure credential reads AZURE_CLIENT_ID to pick the monitor's identity (on Azure Functions
    // the user-assigned one): remedies that grant it something name it by this.
    ...(process.env.AZURE_CLIENT_ID ? { monitorClientId: process.env.AZURE_CLIENT_ID } : {}),
    secret: remedySecret(plan.app.secret),
  };
}
