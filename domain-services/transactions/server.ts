import { runEntryPoint, startService } from '../shared/start.js';
import { createApp } from './app.js';

runEntryPoint(() =>
  startService('transactions', (deps, config) =>
    createApp({ ...deps, accountsUrl: config.ACCOUNTS_URL, callTimeoutMs: config.DOMAIN_CALL_TIMEOUT_MS }),
  ),
);
