/**
 * Project slugs for local development keys, in the dashboard's form word-word-NNN
 * (PROTOCOL.md §1: lower-case ASCII words, three digits).
 */
import { randomInt } from 'node:crypto';

const ADJECTIVES = ['amber', 'brisk', 'calm', 'dusty', 'eager', 'fuzzy', 'gentle', 'hazy', 'jolly', 'keen', 'lucky', 'mellow', 'nimble', 'proud', 'quiet', 'rapid', 'sunny', 'tidy', 'vivid', 'witty'];
const ANIMALS = ['badger', 'crane', 'dingo', 'egret', 'ferret', 'gecko', 'heron', 'ibis', 'koala', 'kudu', 'lemur', 'marmot', 'newt', 'otter', 'panda', 'quail', 'robin', 'stoat', 'tapir', 'wombat'];

export function randomDevSlug(): string {
  const digits = String(randomInt(0, 1000)).padStart(3, '0');
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${ANIMALS[randomInt(ANIMALS.length)]}-${digits}`;
}
