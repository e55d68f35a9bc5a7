import { parseArgs } from 'node:util';
import { createDevToken } from '../adapters/auth/dev-token.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { isEntryPoint } from '../config/entry-point.js';

// `npm run token -- --user <id> [--admin]` prints a token for local use.
if (isEntryPoint(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: {
        user: { type: 'string' },
        admin: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
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
