/**
 * What Exchange Online writes, kept in one place so tests and the failure classifier can match the
 * same strings. Sources: public protocol logs quoted in docs/SDK-FACTS.md and in client issue threads
 * (MailKit #908/#791, Mailspring #1983, imapsync #402/#459, imap_tools #135, email-oauth2-proxy
 * #191, ImapEngine #109, node-imap #44). Where no log shows a reply, the text says so.
 */
export const EXCHANGE_IMAP = {
  /** The bracketed part is base64 of the UTF-16LE front-end server name. */
  greeting: (serverId: string): string => `The Microsoft Exchange IMAP4 service is ready. [${serverId}]`,
  capabilitiesBeforeLogin: 'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
  capabilitiesAfterLogin:
    'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+',
  /** Tagged NO for every refused AUTHENTICATE (no OAuth JSON continuation, unlike Gmail). */
  authFailed: 'AUTHENTICATE failed.',
  loginFailed: 'LOGIN failed.',
  /** A back end that is failing over: retry later (seen as `NO [UNAVAILABLE]` in client logs). */
  unavailable: 'Server Unavailable. 15',
  /** Tagged BAD for every command after a login to a mailbox with IMAP disabled. */
  notConnected: 'User is authenticated but not connected.',
  /**
   * Exchange's throttling reply (NO on FETCH/APPEND/SELECT in the logs; some logs show BAD). The
   * real hint is 90 000-300 000 ms; imapflow parses "Request is throttled" + "Backoff Time", sets
   * err.code = 'ETHROTTLE' and waits min(hint, socketTimeout / 2) before rejecting.
   */
  throttled: (backoffMs: number): string => `Request is throttled. Suggested Backoff Time: ${backoffMs} milliseconds`,
  /** Seen as the NO to SELECT of a missing folder (`NO INBOX doesn't exist.`); used for STATUS too. */
  folderMissing: (name: string): string => `${name} doesn't exist.`,
  commandError: 'Command Error. 10',
  argumentError: 'Command Argument Error. 11',
  /** Not seen in a public log; plausible wording for a command in the wrong state. */
  invalidState: 'Command received in Invalid state.',
  bye: 'Microsoft Exchange Server IMAP4 server signing off.',
  /**
   * What the 'garbage' fault writes after the command's tag instead of OK/NO/BAD. The tag matters:
   * imapflow logs and skips an untagged line it cannot use, so bare garbage would only surface as
   * a socket timeout; tagged, it fails the command at once (imapflow 2.10: code 'ParserError2').
   */
  garbage: 'HTTP/1.1 502 Bad Gateway',
} as const;
