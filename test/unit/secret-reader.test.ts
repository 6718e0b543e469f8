import { isKeyVaultDomain } from '../../shared/config/clouds';
import { SecretReader, clearWarmSecretCache } from '../../shared/credentials/secret-reader';

describe('which vaults keep challenge-resource verification', () => {
  it.each([
    ['https://contoso-kv.vault.azure.net', true],
    ['https://contoso-kv.vault.usgovcloudapi.net', true],
    ['https://contoso-kv.vault.azure.cn', true],
    ['https://127.0.0.1:8443', false],
    ['https://kv.privatelink.contoso.internal', false],
    ['https://vault.azure.net.evil.example', false],
  ])('%s → %s', (url, expected) => expect(isKeyVaultDomain(url)).toBe(expected));
});

describe('SecretReader', () => {
  afterEach(() => clearWarmSecretCache());

  it('reads an env secret once per run and reports a missing one as SECRET_NOT_FOUND', async () => {
    const reader = new SecretReader({ authorityHost: 'https://login.microsoftonline.com', timeoutMs: 1000 }, { A: 'value-a-123456' });
    const [one, two] = await Promise.all([reader.read({ env: 'A' }), reader.read({ env: 'A' })]);
    expect(one).toBe(two);
    expect(one).toEqual({ value: 'value-a-123456' });
    await expect(reader.read({ env: 'B' })).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND', phase: 'secret', message: 'environment variable B is not set' });
  });
});
