import type { Config } from '../../platform/config.ts';
import { required } from '../../platform/config.ts';
import { signToken, type TokenGrant } from './sign-token.ts';
import { tokenKeys } from './token-keys.ts';

/** Mints a gateway token from the configuration (first of `GATEWAY_JWT_SECRETS`, audience, issuer). */
export async function mintToken(cfg: Config, grant: TokenGrant, now = Date.now()): Promise<string> {
  const secrets = required(
    cfg.GATEWAY_JWT_SECRETS,
    'GATEWAY_JWT_SECRETS',
    'tokens are signed with the first one',
  );
  return signToken(
    tokenKeys(secrets, cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER),
    grant,
    now,
  );
}
