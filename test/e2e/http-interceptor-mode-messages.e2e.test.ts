/** nest-hybrid-microservice, nest-messages with `httpInterceptor: true` (test/support/http-interceptor-suites). */
import { describeWithHttpInterceptor } from '../support/http-interceptor-suites';

describeWithHttpInterceptor(['nest-hybrid-microservice', 'nest-messages']);
