export { didYouMean, editDistance } from './did-you-mean';
export {
  booleanOption,
  checkOptions,
  functionOption,
  integerOption,
  isName,
  isSubject,
  oneOf,
  optionNames,
  optionPath,
  positiveInteger,
  shown,
  stringOption,
} from './option-checks';
