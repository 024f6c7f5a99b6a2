import { parse } from 'yaml';
import { type AdminOptions } from './admin.options';

/**
 * The options of a config file's text: YAML or JSON (JSON is YAML), an object at the top (an empty
 * file is no options). Values are checked later, by `resolveAdminOptions`, with every path named.
 * Exported so that `jetbus admin --config` reads files the way the app does, without a YAML parser
 * of its own.
 */
export function parseAdminConfig(text: string, file: string): AdminOptions {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new Error(`config file ${file} is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`, {
      cause: e,
    });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`config file ${file} must hold an object of admin options`);
  }
  return value as AdminOptions;
}
