/**
 * @teracron/nestjs/testing: record what the app would send, in memory, for tests. No key, no
 * network; the tracing is the production code's.
 */
export { TeracronTestingModule } from './teracron-testing.module';
export { TeracronRecorder, type SpanNode, type SpanMatch, type WaitOptions } from './span-recorder';
