/** graphql-tracing, nest-packaging with `httpInterceptor: true` (test/support/http-interceptor-suites). */
import { describeWithHttpInterceptor } from '../support/http-interceptor-suites';

describeWithHttpInterceptor(['graphql-tracing', 'nest-packaging']);
