import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parseDuration } from '@jetbus/core';

/**
 * Milliseconds (a number) or a duration string ("500ms", "2s", "1h"), as core's `parseDuration`
 * reads it, so the admin API and the module options accept the same spellings.
 */
export function IsDuration(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDuration',
      validator: {
        validate: (value: unknown): boolean => {
          if (typeof value !== 'number' && typeof value !== 'string') return false;
          try {
            parseDuration(value, 'value');
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args): string =>
          `${args?.property ?? 'value'} must be milliseconds or a duration like "500ms", "2s", "1m", "1h"`,
      },
    },
    options,
  );
}
