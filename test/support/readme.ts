import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The fenced code block after `<!-- install-test:<name> -->` in the README: the tests run what
 * the README tells users to do, so the two cannot drift apart.
 */
export function readmeBlock(name: string, readmePath = resolve(__dirname, '../../README.md')): string {
  const text = readFileSync(readmePath, 'utf8');
  const marker = `<!-- install-test:${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)\n```/.exec(text.slice(at + marker.length));
  if (!block) throw new Error(`README has no code block after ${marker}`);
  return `${block[1]}\n`;
}

/** Replaces each `from` with its `to`, failing when the README no longer has `from` (the example changed). */
export function replaceAll(text: string, replacements: Record<string, string>): string {
  let result = text;
  for (const [from, to] of Object.entries(replacements)) {
    if (!result.includes(from)) throw new Error(`the README block no longer contains ${JSON.stringify(from)}:\n${text}`);
    result = result.split(from).join(to);
  }
  return result;
}
