/**
 * The authority's metadata, built from host and tenant instead of discovered: MSAL then makes no
 * instance-discovery or OpenID-configuration call before the token request (docs/SDK-FACTS.md), in Azure,
 * in a sovereign cloud and against the simulator alike.
 */
export interface AuthorityOptions {
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
}

export function authorityOptions(authorityHost: string, tenantId: string): AuthorityOptions {
  const host = new URL(authorityHost).host;
  const base = `https://${host}/${tenantId}`;
  return {
    authority: base,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `https://${host}/${tenantId}/discovery/v2.0/keys`,
      issuer: `https://${host}/${tenantId}/v2.0`,
    }),
  };
}
