export { type RateLimitOptions, type ResolvedRateLimit, parseRateLimit } from './rate-limit.options';
export { RateLimitStore, rateLimitKey } from './rate-limit-store';
export { RateLimiter, type RateLimitDecision, type RateLimitMetrics } from './rate-limiter';
