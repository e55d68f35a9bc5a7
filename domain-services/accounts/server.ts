import { runEntryPoint, startService } from '../shared/start.js';
import { createApp } from './app.js';

runEntryPoint(() => startService('accounts', (deps) => createApp(deps)));
