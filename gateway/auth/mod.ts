/** Gateway tokens: HS256 JWTs naming the orgs a client may see. */
export { mintToken } from './mint-token.ts';
export { signToken, type TokenGrant } from './sign-token.ts';
export { tokenFromRequest } from './token-from-request.ts';
export { MIN_SECRET_LENGTH, tokenKeys, type TokenKey, type TokenKeys } from './token-keys.ts';
export { verifyToken, type Principal } from './verify-token.ts';
