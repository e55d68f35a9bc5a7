// The architecture's import rules, checked by `npm run lint` (dependency-cruiser), not by memory:
// - the core (dashboard/) is pure: it imports only itself and libraries, so it runs inside workflows;
// - the contract between processes (contract/: workflow ids, signals, updates, search attributes,
//   error types) imports only the core's types;
// - workflows import only the core, the contract and each other, and activities as types (their
//   proxies); only the worker (which bundles them) imports workflow code, everyone else at most its
//   types, so activities and workflows no longer import each other;
// - the processes (api/, workers/, cli/, stack/) are leaves: nothing imports them but the harnesses
//   (tests/, bench/, chaos/), and they do not import each other; what two of them share lives in
//   adapters/ or config/.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      severity: 'error',
      from: { path: '^dashboard/', pathNot: '^dashboard/schemas/generate\\.ts$' },
      to: { pathNot: ['^dashboard/', 'node_modules'] },
    },
    {
      name: 'contract-is-types-first',
      severity: 'error',
      from: { path: '^contract/' },
      to: { pathNot: ['^contract/', 'node_modules'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-import-core-and-contract',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { pathNot: ['^workflows/', '^dashboard/', '^contract/', 'node_modules'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-the-worker-loads-workflow-code',
      severity: 'error',
      from: { pathNot: ['^workflows/', '^workers/', '^tests/', '^bench/', '^chaos/'] },
      to: { path: '^workflows/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'processes-are-leaves',
      severity: 'error',
      from: { pathNot: ['^tests/', '^bench/', '^chaos/', '^(api|workers|cli|stack)/'] },
      to: { path: '^(api|workers|cli|stack)/' },
    },
    {
      name: 'processes-do-not-import-each-other',
      severity: 'error',
      from: { path: '^(api|workers|cli|stack)/' },
      to: { path: '^(api|workers|cli|stack)/', pathNot: '^$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|web/|\\.stack/|coverage/|dist/)' },
  },
};
