import { type ValidationArguments } from 'class-validator';

/**
 * class-validator's own message building (ValidationExecutor.createValidationError and
 * ValidationUtils.replaceMessageSpecialTokens, which it does not export), reproduced token for token
 * so a compiled violation reads exactly like class-validator's. Only runs for a failing value.
 */

export interface MessageSource {
  /** The decorator's `message` option (string or function), if any. */
  message?: string | ((args: ValidationArguments) => string);
  /** The constraint's default message, when the decorator has no `message`. */
  defaultMessage?: (args: ValidationArguments) => string;
  propertyName: string;
  constraints: unknown[] | undefined;
}

export function violationMessage(object: object, value: unknown, source: MessageSource): string {
  const ctor = (object as { constructor?: { name?: string } }).constructor;
  const args = {
    targetName: ctor ? ctor.name : undefined,
    property: source.propertyName,
    object,
    value,
    constraints: source.constraints,
  } as ValidationArguments;
  let message: unknown = source.message || '';
  if (!source.message && source.defaultMessage instanceof Function) message = source.defaultMessage(args);
  return replaceMessageSpecialTokens(message, args);
}

function constraintToString(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') constraint = constraint.description;
  return `${constraint as string}`;
}

function replaceMessageSpecialTokens(message: unknown, args: ValidationArguments): string {
  let messageString: string | undefined;
  if (message instanceof Function) messageString = (message as (a: ValidationArguments) => string)(args);
  else if (typeof message === 'string') messageString = message;
  if (messageString && Array.isArray(args.constraints)) {
    args.constraints.forEach((constraint, index) => {
      messageString = messageString!.replace(
        new RegExp(`\\$constraint${index + 1}`, 'g'),
        constraintToString(constraint),
      );
    });
  }
  if (
    messageString &&
    args.value !== undefined &&
    args.value !== null &&
    ['string', 'boolean', 'number'].includes(typeof args.value)
  )
    // class-validator passes the raw value as the replacement (so `$&` in it is special): keep that.
    messageString = messageString.replace(/\$value/g, args.value as string);
  if (messageString) messageString = messageString.replace(/\$property/g, args.property);
  if (messageString) messageString = messageString.replace(/\$target/g, args.targetName);
  return messageString as string;
}
