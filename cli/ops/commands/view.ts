import { parseArgs } from 'node:util';
import { Id, renderForClient } from '../../../dashboard/index.js';
import { resolveClientProfile } from '../../../config/capability-matrix.js';
import { UsageError, type OpsCommand } from '../command.js';

export const view: OpsCommand = {
  name: 'view',
  summary: 'show a user’s dashboard exactly as one app version receives it',
  help: `usage: ops view <userId> [--platform ios|android|web] [--version X.Y.Z] [--json]

Renders the user's stored dashboard for the client profile of that platform and app version (no
platform or version: the most conservative profile), and says where the API would serve it from
(Redis cache or the Cassandra view), its version, when it was built and how fresh each section is.
--json prints only the body the app receives.

example: npm run ops -- view u-42 --platform ios --version 2.3.0`,
  async run(args, ctx, out) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { platform: { type: 'string' }, version: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const userId = Id.safeParse(positionals[0]);
    if (!userId.success || positionals.length !== 1) throw new UsageError('give exactly one valid user id');
    const profile = resolveClientProfile(values.platform, values.version);
    const { views, cache } = await ctx.stores();
    const [canonical, cached] = await Promise.all([views.load(userId.data), cache.get(userId.data, profile)]);
    if (!canonical) {
      out.error(
        `no dashboard stored for ${userId.data} (never built, or erased); \`ops rebuild ${userId.data}\` builds one`,
      );
      return 1;
    }
    const body = renderForClient(canonical, profile);
    if (values.json) {
      out.line(JSON.stringify(body, null, 2));
      return 0;
    }
    out.line(
      `user ${userId.data}, profile ${profile.key} (platform ${values.platform ?? '-'}, version ${values.version ?? '-'})`,
    );
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
