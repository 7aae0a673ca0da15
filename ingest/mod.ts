export { startIngest, type IngestHandle } from './main.ts';
export { createSecretResolver, readRepoSecretsFile, type SecretResolver } from './secrets.ts';
export { verifySignature } from './verify.ts';
// The contract generator documents ingest's errors by making them.
export { checkRequest } from './check-request.ts';
export { IngestErrors } from './errors.ts';
