/**
 * The request-span suites run in both HTTP modes: by default (no interceptor around HTTP routes)
 * and, when this variable is 'true', with `httpInterceptor: true`. http-interceptor-mode.e2e.test.ts
 * runs them again in a child process with it set; fixtures read it from their environment.
 */
export const HTTP_INTERCEPTOR_ENV = 'TERACRON_TEST_HTTP_INTERCEPTOR';

export const httpInterceptor = process.env[HTTP_INTERCEPTOR_ENV] === 'true';
