import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from './load-policy';

describe('the policy example in README.md', () => {
  it('is valid', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const policy = parsePolicy(yaml, { source: 'README.md' });
    expect(policy.accounts.map((a) => a.name)).toEqual(['ORDERS', 'BILLING']);
    expect(Object.keys(policy.roles)).toHaveLength(7);
  });
});
