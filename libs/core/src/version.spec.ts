import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JETBUS_CORE_VERSION } from './version';

describe('JETBUS_CORE_VERSION', () => {
  it('is the version in @jetbus/core package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(JETBUS_CORE_VERSION).toBe(pkg.version);
  });
});
