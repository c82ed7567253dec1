/** nest-unhandled-requests, nest-trace-continuation with `httpInterceptor: true` (test/support/http-interceptor-suites). */
import { describeWithHttpInterceptor } from '../support/http-interceptor-suites';

describeWithHttpInterceptor(['nest-unhandled-requests', 'nest-trace-continuation']);
