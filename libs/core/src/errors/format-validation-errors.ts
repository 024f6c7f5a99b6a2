import { type ValidationError } from 'class-validator';

/** Flattens nested class-validator errors into `path: constraint message` items. */
export function formatValidationErrors(errors: ValidationError[], parent = ''): string {
  const parts: string[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) parts.push(`${path}: ${msg}`);
    if (e.children?.length) parts.push(formatValidationErrors(e.children, path));
  }
  return parts.join('; ');
}
