/**
 * Connects an app's GraphQLModule (@nestjs/graphql, either driver) once it has bootstrapped: the
 * request hooks of its ResolverDecoratorHost see every operation begin and end (with the errors of
 * its answer), and, with `fieldSpans`, its schema's field resolvers are wrapped. Nothing of
 * @nestjs/graphql is imported: its module and providers are found in the app's container by name,
 * so an app without GraphQL pays one scan of its modules at start-up and loads nothing.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { TeracronClient } from '../../core/client';
import { TERACRON_NEST_LAYER } from '../teracron.constants';
import type { NestLayerOptions } from '../teracron-module-options';
import { resolvedFieldsOf, traceFieldResolvers, type SchemaLike } from './graphql-field-spans';
import { endGraphqlOperation, graphqlOperationOf } from './graphql-operation';

interface RequestHookContext {
  context?: unknown;
  operationName?: unknown;
  errors?: readonly unknown[];
}
type RequestHook = (context: RequestHookContext) => unknown;

/** @nestjs/graphql's ResolverDecoratorHost, as far as we use it. */
interface RequestHooksHost {
  getOnRequestStartHook(): RequestHook | undefined;
  setOnRequestStartHook(hook: RequestHook | undefined): void;
  getOnRequestEndHook(): RequestHook | undefined;
  setOnRequestEndHook(hook: RequestHook | undefined): void;
}

interface GraphqlProviders {
  hooksHost: RequestHooksHost | undefined;
  schema: SchemaLike | undefined;
}

@Injectable()
export class GraphqlTracing implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly releases: Array<() => void> = [];

  constructor(
    private readonly modules: ModulesContainer,
    private readonly scanner: MetadataScanner,
    private readonly client: TeracronClient,
    @Inject(TERACRON_NEST_LAYER) private readonly layer: NestLayerOptions,
  ) {}

  onApplicationBootstrap(): void {
    const settings = this.layer.graphql;
    if (!settings.enabled || !this.client.enabled || !this.client.tracing.enabled || this.releases.length > 0) return;
    try {
      const graphqlModules = graphqlProvidersOf(this.modules);
      const resolvedFields = settings.fieldSpans && graphqlModules.length > 0 ? this.resolvedFields() : undefined;
      for (const found of graphqlModules) {
        if (found.hooksHost !== undefined) this.releases.push(hookOperations(found.hooksHost, this.client));
        if (resolvedFields !== undefined && found.schema !== undefined) {
          this.releases.push(traceFieldResolvers(found.schema, resolvedFields, { sink: this.client, workflow: settings.workflow, maxFieldSpans: settings.maxFieldSpans }));
        }
      }
    } catch {
      // An app we cannot read still starts: its resolvers keep their spans from the interceptor.
    }
  }

  /** `Type.field` of every `@ResolveField` method of the app's providers. */
  private resolvedFields(): Set<string> {
    const fields = new Set<string>();
    for (const module of this.modules.values()) {
      for (const wrapper of module.providers.values()) {
        const instance: unknown = wrapper.instance;
        if (instance === null || typeof instance !== 'object') continue;
        for (const field of resolvedFieldsOf(instance, this.scanner.getAllMethodNames(Object.getPrototypeOf(instance)))) fields.add(field);
      }
    }
    return fields;
  }

  onApplicationShutdown(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

/** The ResolverDecoratorHost and built schema of every GraphQLModule of the app (one per endpoint). */
function graphqlProvidersOf(modules: ModulesContainer): GraphqlProviders[] {
  const found: GraphqlProviders[] = [];
  for (const module of modules.values()) {
    if (module.metatype?.name !== 'GraphQLModule') continue;
    const entry: GraphqlProviders = { hooksHost: undefined, schema: undefined };
    for (const [token, wrapper] of module.providers) {
      const name = typeof token === 'function' ? token.name : undefined;
      const instance: unknown = wrapper.instance;
      if (name === 'ResolverDecoratorHost' && isRequestHooksHost(instance)) entry.hooksHost = instance;
      if (name === 'GraphQLSchemaHost') entry.schema = schemaOf(instance);
    }
    found.push(entry);
  }
  return found;
}

function isRequestHooksHost(value: unknown): value is RequestHooksHost {
  const host = value as Partial<RequestHooksHost> | null;
  return typeof host?.setOnRequestStartHook === 'function' && typeof host.setOnRequestEndHook === 'function' && typeof host.getOnRequestStartHook === 'function';
}

function schemaOf(schemaHost: unknown): SchemaLike | undefined {
  try {
    // The getter throws when the module built no schema.
    const schema = (schemaHost as { schema?: Partial<SchemaLike> } | null)?.schema;
    return typeof schema?.getTypeMap === 'function' ? (schema as SchemaLike) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Our hooks run before the ones already set (the user's keep their state and their errors, and
 * run exactly as without us); the previous hooks come back at shutdown unless replaced since.
 */
function hookOperations(host: RequestHooksHost, client: TeracronClient): () => void {
  const previousStart = host.getOnRequestStartHook();
  const previousEnd = host.getOnRequestEndHook();
  const start: RequestHook = (context) => {
    try {
      if (client.running) graphqlOperationOf(context?.context)?.begin(context?.operationName);
    } catch {
      // The operation runs untraced.
    }
    return previousStart?.(context);
  };
  const end: RequestHook = (context) => {
    try {
      if (client.running) endGraphqlOperation(context?.context, context?.errors);
    } catch {
      // The request span ends as its status says.
    }
    return previousEnd?.(context);
  };
  host.setOnRequestStartHook(start);
  host.setOnRequestEndHook(end);
  return () => {
    if (host.getOnRequestStartHook() === start) host.setOnRequestStartHook(previousStart);
    if (host.getOnRequestEndHook() === end) host.setOnRequestEndHook(previousEnd);
  };
}
