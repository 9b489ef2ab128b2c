/**
 * MoodScale's layer rules (docs/architecture.md): one path from a platform adapter to a command to the
 * services to the repositories. `npm run check` runs this; a wrong import fails `npm test` naming the
 * rule, and each rule's comment says why it exists and where the thing belongs instead.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import each other load in an order that depends on who is imported first. Move the shared part into a module both can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment:
        'src/core holds what every layer shares (errors, logger, clock, the command framework, calendar). It imports no other layer of MoodScale.',
      from: { path: '^src/core/' },
      to: {
        path: '^(src/(db|services|platforms|integrations|http|jobs|ops|cli|crypto)|commands)/|^src/(app|main|config)\\.ts$',
      },
    },
    {
      name: 'no-platforms-below',
      severity: 'error',
      comment:
        'Commands, services and core are the same on Discord, Slack and the console. What they need from a platform is a port (an interface) they declare; the platform implements it and app.ts wires it in.',
      from: { path: '^(commands|src/(services|core|db|integrations|crypto))/' },
      to: { path: '^src/platforms/' },
    },
    {
      name: 'platforms-and-commands-use-services',
      severity: 'error',
      comment:
        'Platforms and commands reach the database only through services. Shared value types (identity keys, audit outcomes) live in core or in the service that owns them, not in src/db.',
      from: { path: '^(commands|src/platforms)/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'db-is-below-services',
      severity: 'error',
      comment:
        'Repositories are the bottom of the stack: they may use core and src/crypto, never services, platforms or integrations (which use them).',
      from: { path: '^src/db/' },
      to: { path: '^(commands|src/(services|platforms|integrations|http|jobs|ops))/' },
    },
    {
      name: 'integrations-are-leaves',
      severity: 'error',
      comment:
        'Integrations (Spotify, ReccoBeats, the language model) talk to the outside world and know nothing of chat platforms or storage: the services combine them with repositories.',
      from: { path: '^src/integrations/' },
      to: { path: '^(commands|src/(platforms|db|services|http|jobs|ops))/' },
    },
    {
      name: 'crypto-below-db',
      severity: 'error',
      comment: 'Field encryption is used by repositories to seal values; it depends only on core.',
      from: { path: '^src/crypto/' },
      to: { path: '^(commands|src/(db|services|platforms|integrations|http|jobs|ops))/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|commands)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
