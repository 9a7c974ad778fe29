// Checks that locales/{zh-CN,ru-RU,en-US}/ui.ftl parse cleanly and define exactly the same
// messages and attributes, and that every message id written literally in ui/src exists.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentResource } from '@fluent/bundle';

const ui = fileURLToPath(new URL('..', import.meta.url));
const localesDir = join(ui, '..', 'locales');
const LOCALES = ['en-US', 'ru-RU', 'zh-CN'];
const problems = [];

function keysOf(locale) {
  const source = readFileSync(join(localesDir, locale, 'ui.ftl'), 'utf8');
  const resource = new FluentResource(source);
  const keys = new Set();
  for (const entry of resource.body) {
    keys.add(entry.id);
    for (const attr of Object.keys(entry.attributes ?? {})) keys.add(`${entry.id}.${attr}`);
  }
  // The runtime parser skips invalid entries silently: every `id =` line must have become a message.
  const declared = source.split(/\r?\n/).filter((line) => /^-?[a-zA-Z][\w-]*\s*=/.test(line)).length;
  if (declared !== resource.body.length) {
    problems.push(`${locale}: ${declared - resource.body.length} message(s) failed to parse`);
  }
  return { keys, messages: resource.body.length };
}

const all = Object.fromEntries(LOCALES.map((l) => [l, keysOf(l)]));
const reference = all['en-US'].keys;
for (const locale of LOCALES) {
  const { keys } = all[locale];
  for (const key of reference) if (!keys.has(key)) problems.push(`${locale}: missing ${key}`);
  for (const key of keys) if (!reference.has(key)) problems.push(`${locale}: extra ${key} (not in en-US)`);
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|svelte)$/.test(name)) yield path;
  }
}
for (const file of files(join(ui, 'src'))) {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/\bt\(\s*'([a-z][a-z0-9-]*)'/g)) {
    if (!reference.has(match[1])) problems.push(`${file.slice(ui.length)}: unknown message ${match[1]}`);
  }
}

if (problems.length) {
  for (const problem of problems) console.error(`check-locales: ${problem}`);
  process.exit(1);
}
console.log(`check-locales: ${LOCALES.length} locales, ${all['en-US'].messages} messages, ${reference.size} keys with attributes, all identical`);
