import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../../commands/index.js';
import { renderUsage } from '../../../src/core/commands/index.js';
import { renderSlackManifest } from '../../../src/platforms/slack/manifest.js';
import { REQUIRED_SCOPES } from '../../../src/platforms/slack/startup.js';

const manifest = readFileSync(
  fileURLToPath(new URL('../../../slack-manifest.yaml', import.meta.url)),
  'utf8',
);

/** The manifest's slash commands, read from its simple YAML list (no YAML parser is a dependency). */
function manifestCommands(): Map<string, { description: string; usageHint: string | undefined }> {
  const found = new Map<string, { description: string; usageHint: string | undefined }>();
  const blocks = manifest.split(/\n\s+- command: /).slice(1);
  for (const block of blocks) {
    const name = block.split('\n')[0]!.trim();
    const value = (key: string) => {
      const line = new RegExp(`\\n\\s+${key}: (.*)`).exec(block)?.[1]?.trim();
      return line?.replace(/^"(.*)"$/, '$1');
    };
    found.set(name, { description: value('description') ?? '', usageHint: value('usage_hint') });
  }
  return found;
}

function manifestScopes(): string[] {
  const section = manifest.split('    bot:\n')[1]?.split('\nsettings:')[0] ?? '';
  return [...section.matchAll(/^\s+- ([a-z:]+)\s*$/gm)].map((m) => m[1]!);
}

describe('slack-manifest.yaml', () => {
  const commands = manifestCommands();
  const registry = createRegistry().all();

  it('GIVEN the generator THEN the file is exactly what `npm run slack:manifest` makes for the defaults', () => {
    expect(manifest).toBe(renderSlackManifest(registry, { prefix: '', mode: { kind: 'socket' } }));
  });

  it('GIVEN SLACK_COMMAND_PREFIX=ms- THEN every command is declared with the prefix and none without', () => {
    const prefixed = renderSlackManifest(registry, { prefix: 'ms-', mode: { kind: 'socket' } });
    const declared = [...prefixed.matchAll(/- command: (\S+)/g)].map((m) => m[1]);
    expect(declared.sort()).toEqual(registry.map((c) => `/ms-${c.name}`).sort());
  });

  it('GIVEN HTTP mode with a URL THEN every command, the events and interactivity point at it and Socket Mode is off', () => {
    const url = 'https://bot.example.org/slack/events';
    const http = renderSlackManifest(registry, { prefix: '', mode: { kind: 'http', requestUrl: url } });
    expect(http.match(/^\s+url: (\S+)$/gm)).toHaveLength(registry.length);
    expect(http.match(new RegExp(`^\\s+request_url: ${url}$`, 'gm'))).toHaveLength(2);
    expect(http).toMatch(/^ {2}socket_mode_enabled: false$/m);
    expect(http).not.toContain('your.host');
  });

  it('GIVEN the registry THEN every command is declared with its description and usage, and nothing else is', () => {
    expect([...commands.keys()].sort()).toEqual(registry.map((c) => `/${c.name}`).sort());
    for (const command of registry) {
      const declared = commands.get(`/${command.name}`)!;
      expect(declared.description, command.name).toBe(command.description);
      // Slack's usage leaves file options out: a file is shared in the DM first, never typed.
      const usage = renderUsage(command, { omitFiles: true }).slice(command.name.length + 2) || undefined;
      expect(declared.usageHint, command.name).toBe(usage);
    }
  });

  it('GIVEN the bot scopes THEN they are exactly the ones the adapter checks at start-up, each with a reason', () => {
    expect(manifestScopes().sort()).toEqual(Object.keys(REQUIRED_SCOPES).sort());
  });

  it('GIVEN a command reading a file shared in the DM THEN files:read is asked for, with why', () => {
    expect(manifestScopes()).toContain('files:read');
    expect(manifest).toMatch(
      /# Find and download the file a user shared in their direct message[^\n]*\n.*\n\s+- files:read/,
    );
  });

  it('GIVEN self-hosting THEN Socket Mode and interactivity are on', () => {
    expect(manifest).toMatch(/^ {2}socket_mode_enabled: true$/m);
    expect(manifest).toMatch(/interactivity:\n(?:\s+#.*\n)*\s+is_enabled: true/);
  });

  it('GIVEN Spotify links in channels and moods in DMs THEN the bot events are message.channels, message.groups and message.im, with the history scopes they need', () => {
    const section = manifest.split(/^ {2}event_subscriptions:\n/m)[1]?.split(/^ {2}\S/m)[0] ?? '';
    const events = [...section.matchAll(/^\s+- ([a-z_.]+)\s*$/gm)].map((m) => m[1]);
    expect(events).toEqual(['message.channels', 'message.groups', 'message.im']);
    expect(manifestScopes()).toEqual(
      expect.arrayContaining(['channels:history', 'groups:history', 'im:history']),
    );
  });

  it('GIVEN moods written in DMs THEN the messages tab is on and writable, and no other conversation is read', () => {
    expect(manifest).toMatch(/^ {4}messages_tab_enabled: true$/m);
    expect(manifest).toMatch(/^ {4}messages_tab_read_only_enabled: false$/m);
    expect(manifestScopes()).not.toContain('mpim:history');
  });
});
