/**
 * HTTP trigger: GET /api/check[?mailbox=id&mailbox=id] runs a check on demand and answers the
 * report (DESIGN.md contract). 200 when the run completed, whatever the mailboxes' status: the
 * status is in the body; 400 for an unknown mailbox, 500 for a bad configuration.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { ConfigError, configFailure } from '../shared/config/config-error';
import { runFromSettings } from './run-from-settings';

export async function checkHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const only = request.query.getAll('mailbox');
  try {
    return { status: 200, jsonBody: await runFromSettings(only) };
  } catch (error) {
    if (error instanceof ConfigError) {
      context.error(error.message);
      return { status: 500, jsonBody: { status: 'unknown', failure: configFailure(error) } };
    }
    if (error instanceof Error && error.message.startsWith('--mailbox')) {
      return { status: 400, jsonBody: { error: error.message.replace('--mailbox', 'mailbox') } };
    }
    throw error;
  }
}

app.http('checkHttp', { route: 'check', methods: ['GET'], authLevel: 'function', handler: checkHttp });
