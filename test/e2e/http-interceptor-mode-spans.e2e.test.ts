/** http-request-span-once, nest-http-tracing with `httpInterceptor: true` (test/support/http-interceptor-suites). */
import { describeWithHttpInterceptor } from '../support/http-interceptor-suites';

describeWithHttpInterceptor(['http-request-span-once', 'nest-http-tracing']);
