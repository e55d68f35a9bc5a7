import { Context } from '@temporalio/activity';

export function createSmokeActivities(prefix: string) {
  return {
    async greet(name: string): Promise<string> {
      return `${prefix}, ${name} (attempt ${Context.current().info.attempt})`;
    },
  };
}

export type SmokeActivities = ReturnType<typeof createSmokeActivities>;
