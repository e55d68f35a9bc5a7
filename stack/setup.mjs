#!/usr/bin/env node
// `npm run setup`: installs whatever the project needs and is missing, idempotently.
// It runs before node_modules exists, so it uses Node built-ins only (hence plain .mjs, not TypeScript).
// Everything it installs goes under .stack/ except system packages (Redis, Maven) from Debian's packages
// and the ordinary caches of npm, Go and Maven, which make a second run take seconds.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputsSha, builtInputsSha } from './build-inputs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stackDir = resolve(root, process.env.STACK_DIR || '.stack');
const versions = JSON.parse(readFileSync(join(root, 'stack/versions.json'), 'utf8'));
const started = Date.now();

class StepFailure extends Error {}

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

const sha = (text) => createHash('sha256').update(text).digest('hex');
/** `go install` into `bin`: static binaries, no VCS stamping (module builds carry none). */
const goInstallEnv = (bin) => ({ GOBIN: bin, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' });
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Runs a command, streaming its output with a prefix; throws naming the step and the tail of its output. */
function run(step, command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = [];
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) {
        // eslint-disable-next-line no-control-regex -- strips the colour codes Maven prints
        if (!line.replace(/\x1b\[[0-9;]*m/g, '').trim()) continue;
        tail.push(line);
        if (tail.length > 25) tail.shift();
        if (!options.quiet) process.stdout.write(`[setup]   ${step} | ${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new StepFailure(`${step}: could not run ${command}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else {
        const failure = new StepFailure(
          `${step}: ${options.failure ?? `${command} exited with ${code}`}\n${tail.map((l) => `    ${l}`).join('\n')}`,
        );
        failure.output = output;
        reject(failure);
      }
    });
  });
}

/** A step that installs `pkg` from Debian's packages when `command` is missing. */
function debianCommand(name, command, pkg) {
  return {
    name,
    async run() {
      if (has(command)) return `${command} present`;
      await aptInstall(name, [pkg]);
      if (!has(command)) throw new StepFailure(`${name}: ${command} still missing after apt-get install ${pkg}`);
      return `installed ${command} from Debian packages`;
    },
  };
}

/** Every file under `dir`, sorted, skipping the named sub-folders. */
function filesUnder(dir, skip = []) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !skip.some((name) => file.startsWith(join(dir, name))))
    .sort();
}

let aptUpdated = false;
async function aptInstall(step, packages) {
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !has('sudo'))
    throw new StepFailure(
      `${step}: ${packages.join(', ')} missing and neither root nor sudo is available to install it`,
    );
  const prefix = asRoot ? [] : ['sudo'];
  const apt = (args) =>
    asRoot ? run(step, 'apt-get', args, aptOptions) : run(step, 'sudo', [...prefix, 'apt-get', ...args], aptOptions);
  const aptOptions = {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    quiet: true,
    failure: `apt-get could not install ${packages.join(', ')}`,
  };
  if (!aptUpdated) {
    await apt(['update', '-qq']);
    aptUpdated = true;
  }
  await apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

function javaMajor(javaBin) {
  const out = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  return match ? Number(match[1]) : undefined;
}

/** Cassandra 5.0 runs on Java 11 or 17 and Kafka 4 needs 17+, so both get a Java 17. */
function findJava17() {
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, 'bin/java'));
  if (existsSync('/usr/lib/jvm')) {
    for (const dir of readdirSync('/usr/lib/jvm').sort())
      if (/17/.test(dir)) candidates.push(join('/usr/lib/jvm', dir, 'bin/java'));
  }
  if (has('java')) candidates.push('java');
  return candidates.find((bin) => (bin === 'java' || existsSync(bin)) && javaMajor(bin) === 17);
}

/** The newest PostgreSQL server Debian installed (its binaries are versioned, off PATH). */
function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((dir) => /^\d+$/.test(dir) && existsSync(join(base, dir, 'bin/postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(base, majors[0], 'bin');
}

const steps = [
  {
    name: 'toolchains',
    async run() {
      const [major, minor] = process.versions.node.split('.').map(Number);
      if (major < 20 || (major === 20 && minor < 19))
        throw new StepFailure(
          `toolchains: Node ${process.versions.node} is too old; the project needs Node 20.19 or newer`,
        );
      if (!has('go'))
        throw new StepFailure(
          'toolchains: go is not on PATH; the Temporal CLI is built with `go install` (Go 1.23 or newer)',
        );
      let java = findJava17();
      if (!java) {
        log('  installing Java 17 from Debian packages');
        await aptInstall('toolchains', ['openjdk-17-jre-headless']);
        java = findJava17();
        if (!java) throw new StepFailure('toolchains: no Java 17 found after installing openjdk-17-jre-headless');
      }
      if (!has('mvn')) {
        log('  installing Maven from Debian packages');
        await aptInstall('toolchains', ['maven']);
      }
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(join(stackDir, 'java.json'), JSON.stringify({ java }, null, 2));
      return `node ${process.versions.node}, java 17 at ${java === 'java' ? 'PATH' : java}, go and maven present`;
    },
  },
  {
    name: 'npm dependencies',
    async run() {
      const lock = readFileSync(join(root, 'package-lock.json'), 'utf8');
      const marker = join(root, 'node_modules/.setup-lock-sha');
      if (existsSync(marker) && readFileSync(marker, 'utf8') === sha(lock)) return 'up to date';
      let how = 'npm ci';
      try {
        await run('npm dependencies', 'npm', ['ci', '--no-audit', '--no-fund'], {
          failure: 'npm ci failed',
          quiet: true,
        });
      } catch (error) {
        // A registry mirror that serves only this platform's optional binaries makes npm write a lock
        // without the other platforms' entries, which `npm ci` then rejects as out of sync. `npm install`
        // installs the same locked versions; any other failure is real.
        if (!String(error.output).includes('from lock file')) throw error;
        how = "npm install (npm ci rejected the lock for other platforms' optional packages)";
        await run('npm dependencies', 'npm', ['install', '--no-audit', '--no-fund'], { failure: 'npm install failed' });
      }
      writeFileSync(marker, sha(readFileSync(join(root, 'package-lock.json'), 'utf8')));
      return `installed with ${how}`;
    },
  },
  {
    name: 'web app',
    async run() {
      // Rebuilt when anything it is made of changed: its sources, the contract it imports, the lock.
      const inputs = [
        ...filesUnder(join(root, 'web'), ['dist']),
        ...filesUnder(join(root, 'dashboard/contract')),
        join(root, 'config/capabilities.json'),
        join(root, 'package-lock.json'),
      ];
      const want = sha(inputs.map((file) => `${file.slice(root.length)}\0${readFileSync(file, 'utf8')}`).join('\0'));
      const marker = join(root, 'web/dist/.inputs-sha');
      if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return 'up to date';
      await run('web app', 'npm', ['run', 'web:build'], { failure: 'the web app did not build', quiet: true });
      writeFileSync(marker, want);
      return 'built into web/dist';
    },
  },
  {
    // The compiled processes (dist/) the image runs and the chaos tests start, with their workflow
    // bundles; rebuilt when anything they are made of changed (after the web app, which it copies).
    name: 'platform build',
    async run() {
      if (builtInputsSha(root) === buildInputsSha(root)) return 'up to date';
      await run('platform build', 'npm', ['run', 'build'], { failure: 'the platform did not build', quiet: true });
      return 'built into dist';
    },
  },
  // Debian's packages: installed, never started as services (the stack runs its own Redis).
  debianCommand('redis', 'redis-server', 'redis-server'),
  {
    // The analytics store: Debian's PostgreSQL server binaries (the stack runs its own server, never
    // the package's service). Where they are is recorded for stack/engines.ts, as Java's is.
    name: 'postgresql',
    async run() {
      let bin = findPostgresBin();
      if (!bin) {
        await aptInstall('postgresql', ['postgresql']);
        bin = findPostgresBin();
        if (!bin)
          throw new StepFailure('postgresql: no server binaries under /usr/lib/postgresql after apt-get install');
      }
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(join(stackDir, 'postgres.json'), JSON.stringify({ bin }, null, 2));
      return `server binaries in ${bin}`;
    },
  },
  // The browser tests drive Debian's Chromium with playwright-core: Playwright's own browser
  // downloads come from a host this project cannot reach.
  debianCommand('chromium', 'chromium', 'chromium'),
  // The alert rules' unit tests (deploy/monitoring) run with Prometheus's own checker.
  debianCommand('promtool', 'promtool', 'prometheus'),
  {
    // The Compose Specification's JSON schema, as Docker's own compose-go module ships it (from the Go
    // module proxy): tests/config/docker-compose.test.ts validates docker-compose.yml against it.
    name: 'compose schema',
    async run() {
      const target = join(stackDir, 'compose-spec.json');
      const marker = `${target}.version`;
      const wanted = versions.composeSpec;
      if (existsSync(target) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted)
        return `compose-spec ${wanted} present`;
      const module = `${versions.composeSpecModule}@v${wanted}`;
      const out = spawnSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8', timeout: 300_000 });
      if (out.status !== 0) throw new Error(`go mod download ${module} failed: ${out.stderr || out.stdout}`);
      const { Dir } = JSON.parse(out.stdout);
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(target, readFileSync(join(Dir, 'schema/compose-spec.json')));
      writeFileSync(marker, wanted);
      return `compose-spec ${wanted} from ${versions.composeSpecModule}`;
    },
  },
  {
    // The API fuzzer's test (tests/api/fuzz.test.ts) runs Schemathesis, a Python tool from PyPI, in a
    // virtual environment of its own under .stack/.
    name: 'schemathesis',
    async run() {
      const venv = join(stackDir, 'venv');
      const st = join(venv, 'bin/st');
      const wanted = versions.schemathesis;
      if (existsSync(st) && spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout.includes(`version ${wanted}`))
        return `schemathesis ${wanted} present`;
      if (!has('python3')) await aptInstall('schemathesis', ['python3']);
      if (spawnSync('python3', ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status !== 0)
        await aptInstall('schemathesis', ['python3-venv']);
      await run('schemathesis', 'python3', ['-m', 'venv', '--clear', venv], {
        failure: 'python3 could not make a virtual environment',
      });
      await run(
        'schemathesis',
        join(venv, 'bin/pip'),
        ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${wanted}`],
        { failure: `pip could not install schemathesis ${wanted}`, quiet: true },
      );
      return `installed schemathesis ${wanted}`;
    },
  },
  {
    name: 'temporal cli',
    async run() {
      const bin = join(stackDir, 'bin/temporal');
      const wanted = versions.temporalCli;
      if (existsSync(bin)) {
        const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
        if (out.stdout.includes(`temporal version ${wanted} `)) return `temporal ${wanted} present`;
      }
      log(`  building the Temporal CLI ${wanted} with go install (a few minutes on a cold cache)`);
      mkdirSync(dirname(bin), { recursive: true });
      await run(
        'temporal cli',
        'go',
        [
          'install',
          '-ldflags',
          `-X ${versions.temporalCliVersionVar}=${wanted}`,
          `${versions.temporalCliModule}@v${wanted}`,
        ],
        {
          env: goInstallEnv(dirname(bin)),
          failure: `go install ${versions.temporalCliModule}@v${wanted} failed`,
        },
      );
      return `built temporal ${wanted}`;
    },
  },
  {
    // The production profile's Temporal (stack/temporal-server.ts): the server, its two schema tools and
    // the UI server, built from their Go modules like the CLI. Always, not only for that profile: a
    // test runs a private cluster of it, so every run proves the profile still starts.
    name: 'temporal server',
    async run() {
      const bin = join(stackDir, 'temporal-server/bin');
      const marker = join(bin, '.versions');
      const want = `server ${versions.temporalServer}, ui-server ${versions.temporalUiServer}`;
      if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return `${want} present`;
      log(`  building the Temporal ${want} with go install (a few minutes on a cold cache)`);
      mkdirSync(bin, { recursive: true });
      const server = `${versions.temporalServerModule}/cmd`;
      await run(
        'temporal server',
        'go',
        [
          'install',
          `${server}/server@v${versions.temporalServer}`,
          `${server}/tools/cassandra@v${versions.temporalServer}`,
          `${server}/tools/sql@v${versions.temporalServer}`,
        ],
        {
          env: goInstallEnv(bin),
          failure: `go install of ${versions.temporalServerModule}@v${versions.temporalServer} failed`,
        },
      );
      // Installed by `go install` as `server` too: built alone into a folder of its own, then renamed.
      const ui = join(stackDir, 'temporal-server/ui-build');
      await run(
        'temporal server',
        'go',
        ['install', `${versions.temporalUiServerModule}/cmd/server@v${versions.temporalUiServer}`],
        {
          env: goInstallEnv(ui),
          failure: `go install of ${versions.temporalUiServerModule}@v${versions.temporalUiServer} failed`,
        },
      );
      renameSync(join(ui, 'server'), join(bin, 'ui-server'));
      rmSync(ui, { recursive: true, force: true });
      writeFileSync(marker, want);
      return `built ${want}`;
    },
  },
  ...['kafka', 'cassandra', 'zipkin', 'temporal-test-server'].map((engine) => ({
    name: `${engine} jars`,
    async run() {
      const pom = join(root, `stack/maven/${engine}/pom.xml`);
      const lib = join(stackDir, engine, 'lib');
      const marker = join(lib, '.pom-sha');
      const want = sha(readFileSync(pom, 'utf8'));
      if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return 'up to date';
      rmSync(lib, { recursive: true, force: true });
      mkdirSync(lib, { recursive: true });
      await run(
        `${engine} jars`,
        'mvn',
        ['-B', '-q', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`],
        {
          failure: `maven could not resolve the dependencies of stack/maven/${engine}/pom.xml`,
        },
      );
      writeFileSync(marker, want);
      return `${readdirSync(lib).filter((f) => f.endsWith('.jar')).length} jars resolved by maven`;
    },
  })),
];

try {
  for (const [index, step] of steps.entries()) {
    const t0 = Date.now();
    log(`(${index + 1}/${steps.length}) ${step.name} ...`);
    const result = await step.run();
    log(`(${index + 1}/${steps.length}) ${step.name}: ${result} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  process.stderr.write(`[setup] FAILED at ${error instanceof StepFailure ? error.message : error.stack}\n`);
  process.exit(1);
}
