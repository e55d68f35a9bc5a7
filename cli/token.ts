import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { isEntryPoint } from '../config/entry-point.js';

/** A dev JWT (HS256 with the configured secret): `sub` is the user, `roles` may hold `admin`. */
export async function createDevToken(config: Pick<Config, 'JWT_SECRET'>, options: { userId: string; admin?: boolean; expiresIn?: string }): Promise<string> {
  return new SignJWT({ roles: options.admin ? ['admin'] : [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(config.JWT_SECRET));
}

// `npm run token -- --user <id> [--admin]` prints a token for local use.
if (isEntryPoint(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { user: { type: 'string' }, admin: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
    if (values.help || !values.user) {
      console.log('usage: npm run token -- --user <userId> [--admin]');
      process.exit(values.help ? 0 : 2);
    }
    console.log(await createDevToken(loadConfig(), { userId: values.user, admin: values.admin }));
  } catch (error) {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(2);
  }
}
