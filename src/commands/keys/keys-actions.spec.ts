import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKeyProvider } from '@jetbus/core';
import { type CommandIo } from '../cli-io';
import { generateAction, rotateAction } from './keys-actions';

function captureIo() {
  const out: string[] = [];
  const io: CommandIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void out.push(t),
    setExitCode: () => {},
  };
  return { io, out };
}

describe('jetbus keys generate|rotate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jetbus-keys-cli-'));

  it('generates a 0600 key ring and rotates it, keeping old keys, never printing a key unless asked', async () => {
    const file = join(dir, 'ring.json');
    const { io, out } = captureIo();
    await generateAction({ file, kid: 'k1' }, io);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const k1 = Buffer.from(fileKeyProvider(file).findKey('k1')!.key).toString('base64');
    expect(out.join('')).not.toContain(k1);
    expect(out.join('')).toContain('current key k1');

    await rotateAction({ file, kid: 'k2' }, io);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const ring = fileKeyProvider(file);
    expect([ring.currentKey().id, ring.ids.sort()]).toEqual(['k2', ['k1', 'k2']]);
    expect(Buffer.from(ring.findKey('k1')!.key).toString('base64')).toBe(k1);
    expect(out.join('')).not.toContain(k1);

    const printed = captureIo();
    await rotateAction({ file, kid: 'k3', retire: ['k1'], print: true }, printed.io);
    expect(fileKeyProvider(file).ids.sort()).toEqual(['k2', 'k3']);
    const k3 = Buffer.from(fileKeyProvider(file).findKey('k3')!.key).toString('base64');
    expect(printed.out.join('')).toContain(`JETBUS_ENCRYPTION_KEYS=k3:${k3},k2:`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ current: 'k3' });
  });

  it('refuses to overwrite a ring, a bad kid, retiring an unknown key, and a ring others can read', async () => {
    const file = join(dir, 'other.json');
    const { io } = captureIo();
    await generateAction({ file }, io);
    expect(fileKeyProvider(file).currentKey().id).toMatch(/^k\d{8}-[0-9a-f]{6}$/);
    await expect(generateAction({ file }, io)).rejects.toThrow('exists; use "jetbus keys rotate');
    await expect(rotateAction({ file, kid: 'bad kid' }, io)).rejects.toThrow('--kid must be');
    await expect(rotateAction({ file, retire: ['nope'] }, io)).rejects.toThrow('--retire nope: no such key');
    chmodSync(file, 0o640);
    await expect(rotateAction({ file }, io)).rejects.toThrow('run chmod 600 on it');
  });
});
