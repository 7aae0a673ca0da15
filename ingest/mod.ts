export { startIngest, type IngestHandle } from './main.ts';
export { createSecretResolver, readRepoSecretsFile, type SecretResolver } from './secrets.ts';
export { verifySignature } from './verify.ts';
