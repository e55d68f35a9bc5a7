import { DefaultLogger, Runtime } from '@temporalio/worker';

// Test output shows warnings from Temporal workers, not their every state change. The runtime can be
// installed once per process; a second file in the same process keeps the first installation.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}
