import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { platformSearchAttributes } from '../../stack/bootstrap.js';

const stackDir = fileURLToPath(new URL('../../.stack/', import.meta.url));

/**
 * Temporal's time-skipping test server: the Java SDK's TestServer, whose jars `npm run setup` resolves
 * from Maven Central (stack/maven/temporal-test-server/pom.xml), started through a small launcher.
 * The SDK would otherwise download a native build of it from a host this project cannot reach. On it,
 * a workflow's timers fire as soon as nothing else is running: minutes of rate limits or backoff pass
 * in a moment. For tests of workflow timing only; everything else runs on the real dev server. The
 * platform's search attributes are registered as on the real namespace: workflows that set them fail
 * their tasks without.
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const lib = `${stackDir}temporal-test-server/lib`;
  if (!existsSync(lib)) throw new Error(`${lib} is missing: run npm run setup`);
  const { java } = JSON.parse(readFileSync(`${stackDir}java.json`, 'utf8')) as { java: string };
  const launcher = `${stackDir}temporal-test-server/bin/test-server`;
  mkdirSync(`${stackDir}temporal-test-server/bin`, { recursive: true });
  // The SDK passes the port (and any extra arguments) as the server's arguments.
  writeFileSync(launcher, `#!/bin/sh\nexec "${java}" -Xmx256m -cp '${lib}/*' io.temporal.testserver.TestServer "$@"\n`);
  chmodSync(launcher, 0o755);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: launcher } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: platformSearchAttributes(),
  });
  return env;
}
