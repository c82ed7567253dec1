/**
 * How an HTTP request's span ends once its response is done, whoever opened it: with the status
 * actually sent, failed for a 5xx (with the handler's error when one went past), succeeded for a
 * 4xx the app answered on purpose; a client that left before the response has no status. An
 * answer that carried an error in its body (a GraphQL response with `errors`) fails with that error.
 */
import type { SpanHandle } from '../tracing/span';

export interface FinishedResponse {
  statusCode: number;
  writableFinished: boolean;
}

export function endHttpSpan(
  span: SpanHandle,
  response: FinishedResponse,
  handlerError: { value: unknown } | undefined,
  answerError?: { value: unknown },
): void {
  if (!response.writableFinished) {
    span.setMetadata({ 'http.aborted': true });
    if (handlerError) span.fail(handlerError.value);
    else span.end();
    return;
  }
  span.setMetadata({ 'http.status_code': response.statusCode });
  if (response.statusCode < 500 && answerError) span.fail(answerError.value);
  else if (response.statusCode < 500) span.end();
  else if (handlerError) span.fail(handlerError.value);
  else span.endWith('failed');
}
