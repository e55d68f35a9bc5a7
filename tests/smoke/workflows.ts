import { proxyActivities } from '@temporalio/workflow';
import type { SmokeActivities } from './activities.js';

const { greet } = proxyActivities<SmokeActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/** The smallest real workflow: one activity round trip through the Temporal server. */
export async function smokeWorkflow(name: string): Promise<string> {
  return `workflow saw: ${await greet(name)}`;
}
