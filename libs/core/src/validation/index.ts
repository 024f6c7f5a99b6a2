export { PayloadValidator, isDtoClass, hasValidationRules } from './payload-validator';
