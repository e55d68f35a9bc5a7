import { renderForClient } from '../../../dashboard/index.js';
import { resolveClientProfile } from '../../../config/capability-matrix.js';
import { flagOption, textOption, userIdArgument, type OpsCommand } from '../command.js';

export const view: OpsCommand = {
  name: 'view',
  summary: 'show a user’s dashboard exactly as one app version receives it',
  arguments: ['<userId>'],
  options: [
    { flags: '--platform <platform>', description: 'the app: ios, android or web' },
    { flags: '--version <version>', description: 'the app version, e.g. 2.3.0' },
    { flags: '--json', description: 'print only the body the app receives' },
  ],
  description: `Renders the user's stored dashboard for the client profile of that platform and app version (no
platform or version: the most conservative profile), and says where the API would serve it from
(Redis cache or the Cassandra view), its version, when it was built and how fresh each section is.
--json prints only the body the app receives.`,
  example: 'npm run ops -- view u-42 --platform ios --version 2.3.0',
  async run({ args, opts }, ctx, out) {
    const userId = userIdArgument(args);
    const platform = textOption(opts, 'platform');
    const version = textOption(opts, 'version');
    const profile = resolveClientProfile(platform, version);
    const { views, cache } = await ctx.stores();
    const [canonical, cached] = await Promise.all([views.load(userId), cache.get(userId, profile)]);
    if (!canonical) {
      out.error(`no dashboard stored for ${userId} (never built, or erased); \`ops rebuild ${userId}\` builds one`);
      return 1;
    }
    const body = renderForClient(canonical, profile);
    if (flagOption(opts, 'json')) {
      out.line(JSON.stringify(body, null, 2));
      return 0;
    }
    out.line(`user ${userId}, profile ${profile.key} (platform ${platform ?? '-'}, version ${version ?? '-'})`);
    out.line(
      cached
        ? `source: cache (ETag ${cached.etag}, cached ${new Date(cached.cachedAt).toISOString()}, version ${cached.version}${cached.version < canonical.version ? ', older than the view' : ''})`
        : 'source: view (not cached for this profile; the next request renders and caches it)',
    );
    out.line(`view version ${canonical.version}, built ${canonical.builtAt}, layout sent: ${body.layout}`);
    for (const [name, section] of Object.entries(canonical.sections)) {
      const sent = body.sections[name as keyof typeof body.sections];
      const f = section.freshness;
      out.line(
        `  ${name.padEnd(9)} ${sent ? `${sent.items.length} items sent` : 'not shown to this app'}; ${f.stale ? `STALE (${f.reason ?? 'unknown'})` : 'fresh'}, as of ${f.asOf ?? 'never'}`,
      );
    }
    out.line(JSON.stringify(body, null, 2));
    return 0;
  },
};
