import { BadRequestException } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';

/**
 * Deepest nesting of objects and arrays a JSON body may have. The API's bodies are at most three
 * levels deep (a bulk replay's filter); validation (class-transformer) walks a body recursively
 * and overflows the stack on a few thousand levels, which answered a 500 and logged an error.
 */
export const MAX_JSON_DEPTH = 32;

/** How deep `value` nests objects and arrays (a scalar is 0), counted without recursion. */
export function jsonDepth(value: unknown, stopPast = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopPast) return deepest;
    for (const child of Object.values(node)) stack.push([child, level]);
  }
  return deepest;
}

/** Express middleware after the JSON parser: a body nested past `MAX_JSON_DEPTH` is a 400. */
export function rejectDeepJson(req: Request, _res: Response, next: NextFunction): void {
  if (jsonDepth(req.body as unknown, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    next(
      new BadRequestException(`the JSON body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`),
    );
    return;
  }
  next();
}
