/** README.md sections that scripts regenerate: the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces the body of section `name` in `file` by `text` (ending with a newline); throws when the markers are missing. */
export function writeReadmeSection(file: string, name: string, text: string): void {
  const readme = readFileSync(file, 'utf8');
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const i = readme.indexOf(open);
  const j = readme.indexOf(close);
  if (i < 0 || j < i) throw new Error(`README.md has no ${open} … ${close} section`);
  writeFileSync(file, `${readme.slice(0, i + open.length)}\n${text}${readme.slice(j)}`);
}
