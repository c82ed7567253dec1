/** fault-suite, fault-suite-fastify with `httpInterceptor: true` (test/support/http-interceptor-suites). */
import { describeWithHttpInterceptor } from '../support/http-interceptor-suites';

describeWithHttpInterceptor(['fault-suite', 'fault-suite-fastify']);
