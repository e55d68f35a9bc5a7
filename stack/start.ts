import { ConfigError, loadConfig } from '../config/index.js';
import { status, up } from './stack.js';

/**
 * `npm start`: brings the local stack up and reports where each engine answers.
 * (The platform's own processes join here as they are built.)
 */
const log = (line: string) => process.stdout.write(`[start] ${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  await up(config, log);
  log('');
  log('The engines are up:');
  for (const engine of await status(config)) log(`  ${engine.name.padEnd(10)} ${engine.state.padEnd(9)} ${config.STACK_HOST}:${engine.port}`);
  log(`  Temporal UI  http://${config.STACK_HOST}:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
  log('They keep running in the background; `npm run stack:down` stops them.');
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
