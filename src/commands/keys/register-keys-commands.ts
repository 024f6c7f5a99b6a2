// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load.
import { type Command } from 'commander';
import { type CommandIo, processIo, runAction } from '../cli-io';
import {
  type KeysGenerateOptions,
  type KeysRotateOptions,
  generateAction,
  rotateAction,
} from './keys-actions';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Adds `jetbus keys generate|rotate`: payload-encryption key ring files (mode 0600) for
 * `fileKeyProvider`. No key is printed unless `--print` asks for it.
 */
export function registerKeysCommands(program: Command, io: CommandIo = processIo): Command {
  const keys = program.command('keys').description('payload encryption keys: generate a key ring, rotate it');

  keys
    .command('generate')
    .description('write a new key ring file (mode 0600) holding one new AES-256 key, its current key')
    .requiredOption('--file <path>', 'the key ring file to create (refused if it exists)')
    .option('--kid <id>', 'the new key id (default: k<date>-<random>)')
    .option('--print', 'also print the keys in the JETBUS_ENCRYPTION_KEYS form (secret!)')
    .option('--json', 'machine-readable output')
    .action(runAction(io, (options: KeysGenerateOptions) => generateAction(options, io)));

  keys
    .command('rotate')
    .description('add a new key to a key ring file and make it current; older keys still decrypt')
    .requiredOption('--file <path>', 'the key ring file (must be mode 0600)')
    .option('--kid <id>', 'the new key id (default: k<date>-<random>)')
    .option('--retire <kid>', 'remove an old key (repeatable); its jobs no longer decrypt', collect)
    .option('--print', 'also print the keys in the JETBUS_ENCRYPTION_KEYS form (secret!)')
    .option('--json', 'machine-readable output')
    .action(runAction(io, (options: KeysRotateOptions) => rotateAction(options, io)));

  return keys;
}
