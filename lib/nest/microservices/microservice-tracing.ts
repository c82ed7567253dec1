/**
 * One switch for an app's microservice tracing, used by the lifecycle at bootstrap: client spans
 * and trace carrying for ClientProxy calls, and trace continuation for arriving messages. Does
 * nothing when @nestjs/microservices is not installed. Returns the undo.
 */
import { continueArrivingMessages } from './message-arrivals';
import { traceMicroserviceClients, type MicroserviceClientSettings } from './microservice-client-spans';

export function enableMicroserviceTracing(settings: MicroserviceClientSettings): () => void {
  const undoClients = traceMicroserviceClients(settings);
  const undoArrivals = continueArrivingMessages();
  return () => {
    undoClients();
    undoArrivals();
  };
}
