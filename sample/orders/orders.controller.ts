import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OrdersService, type Order, type PlaceOrder } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  place(@Body() body: PlaceOrder): Promise<Order> {
    return this.orders.place(body);
  }

  @Get(':id')
  find(@Param('id') id: string): Order {
    return this.orders.find(id);
  }

  @Post(':id/refund')
  @HttpCode(200)
  refund(@Param('id') id: string): Promise<never> {
    return this.orders.refund(id);
  }

  @Get('/health/live')
  health(): { ok: true } {
    return { ok: true };
  }
}
