/**
 * @nestjs/microservices is an optional peer: it is loaded here, once, only when an app turns
 * microservice tracing on, and only the classes whose prototypes we wrap are read (duck-typed, so
 * a release that lacks one leaves that part untraced instead of failing). Never throws.
 */
import type { Prototype } from '../prototype-hooks';

export interface NestMicroservicesClasses {
  ClientProxy?: { prototype: Prototype };
  ClientTCP?: { prototype: Prototype };
  ClientRedis?: { prototype: Prototype };
  ClientNats?: { prototype: Prototype };
  ClientRMQ?: { prototype: Prototype };
  ClientMqtt?: { prototype: Prototype };
  ClientKafka?: { prototype: Prototype };
  ClientGrpcProxy?: { prototype: Prototype };
  Server?: { prototype: Prototype };
}

let loaded: NestMicroservicesClasses | null | undefined;

/** The installed @nestjs/microservices, or null when there is none (or it cannot load). */
export function nestMicroservices(): NestMicroservicesClasses | null {
  if (loaded !== undefined) return loaded;
  try {
    // A plain require: Node 20.19+ loads the ESM-only Nest 12 this way too, the very instance the app imported.
    loaded = require('@nestjs/microservices') as NestMicroservicesClasses;
  } catch {
    loaded = null;
  }
  return loaded;
}
