import { createProfileResolver, parseCapabilityMatrix, type ClientProfile } from '../dashboard/index.js';
import matrixData from './capabilities.json' with { type: 'json' };

/**
 * The deployed capability matrix (capabilities.json, data that ships with the platform), resolved
 * once. The pure core only receives a matrix; loading this one is the deployment's business, and a
 * broken file stops every process at start rather than failing requests.
 */
const deployed = createProfileResolver(parseCapabilityMatrix(matrixData));

/** The profile for an app, from X-Client-Platform and X-Client-Version. */
export function resolveClientProfile(
  platform: string | null | undefined,
  version: string | null | undefined,
): ClientProfile {
  return deployed.resolve(platform, version);
}

/** Every profile of the deployed matrix, conservative last. */
export function allClientProfiles(): ClientProfile[] {
  return deployed.allProfiles();
}
