export { type DeadLetter, DeadLetterSink } from './dead-letter.sink';
export { LogDeadLetterSink } from './log-dead-letter.sink';
