import 'reflect-metadata';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Module,
  Param,
  PipeTransform,
  Post,
  SetMetadata,
  UseGuards,
  UsePipes,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { createTeracronClient, TeracronClient } from '../../lib/core/client';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { Trace } from '../../lib/tracing/trace.decorator';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const calls = { pipe: 0, guard: 0 };

@Injectable()
class UpperCasePipe implements PipeTransform {
  transform(value: unknown): unknown {
    calls.pipe++;
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

@Injectable()
class RoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    calls.guard++;
    const role = this.reflector.get<string>('role', context.getHandler());
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return role === undefined || request.headers['x-role'] === role;
  }
}

@Controller('orders')
@UseGuards(RoleGuard)
class OrdersController {
  // Nest decorators above @Trace: they write on the wrapper.
  @Get(':id')
  @SetMetadata('role', 'clerk')
  @UsePipes(UpperCasePipe)
  @Trace('orders')
  find(@Param('id') id: string): { id: string } {
    return { id };
  }

  // Nest decorators below @Trace: they wrote on the original, @Trace copies them.
  @Trace('orders')
  @Post()
  @HttpCode(201)
  @SetMetadata('role', 'clerk')
  @UsePipes(UpperCasePipe)
  async create(@Body() body: { name: string }): Promise<{ created: string }> {
    return { created: body.name };
  }
}

@Module({ controllers: [OrdersController], providers: [RoleGuard, UpperCasePipe] })
class AppModule {}

describe('@Trace with Nest decorators in a real Nest app (Express)', () => {
  let app: INestApplication;
  let ingest: IngestServer;
  let client: TeracronClient;
  let base: string;

  before(async () => {
    ingest = await startTestIngest();
    client = createTeracronClient({ apiKey: testApiKey(), domain: ingest.domain, logger: { debug() {}, warn() {}, error() {} } }, { env: {}, collectMetrics: false });
    client.start();
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  after(async () => {
    await app.close();
    await client.stop(2000);
    await ingest.close();
  });

  it('routes, runs guards and pipes, and records spans with @Trace below @Get', async () => {
    const before = { ...calls };
    const ok = await fetch(`${base}/orders/abc`, { headers: { 'x-role': 'clerk' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { id: 'ABC' }, 'the pipe ran');
    const denied = await fetch(`${base}/orders/abc`);
    assert.equal(denied.status, 403, 'the guard read the method metadata');
    assert.equal(calls.guard - before.guard, 2);
    assert.equal(calls.pipe - before.pipe, 1);
  });

  it('routes, runs guards and pipes, and keeps @HttpCode with @Trace above @Post', async () => {
    const created = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-role': 'clerk' }, body: JSON.stringify({ name: 'x' }) });
    assert.equal(created.status, 201);
    assert.deepEqual(await created.json(), { created: 'x' });
    const denied = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(denied.status, 403);
  });

  it('keeps every Reflect metadata key of the original on the wrapped method', () => {
    const keysOf = (fn: unknown) => Reflect.getMetadataKeys(fn as object).map(String).sort();
    for (const method of [OrdersController.prototype.find, OrdersController.prototype.create]) {
      const keys = keysOf(method);
      for (const expected of ['path', 'method', 'role', '__pipes__']) assert.ok(keys.includes(expected), `${method.name}: ${expected} in ${keys.join(', ')}`);
    }
    assert.ok(keysOf(OrdersController.prototype.create).includes('__httpCode__'));
    assert.equal(OrdersController.prototype.find.name, 'find');
    assert.equal(OrdersController.prototype.create.length, 1);
  });

  it('the traced handlers reach the ingest as spans', async () => {
    await client.flush();
    await ingest.waitFor((s) => s.spans().some((x) => x.operation === 'OrdersController.find') && s.spans().some((x) => x.operation === 'OrdersController.create'));
    assert.ok(ingest.spans().every((s) => s.status === 'succeeded'));
  });
});
