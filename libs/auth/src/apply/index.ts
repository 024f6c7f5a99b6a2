export { applyPolicy, type ApplyOptions, type ApplyResult } from './apply-policy';
