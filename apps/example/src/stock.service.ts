import { Injectable } from '@nestjs/common';
import { NonRetryableError } from '@jetbus/core';

/** A stand-in for an inventory system: in memory, with a per-order reservation that is idempotent. */
@Injectable()
export class StockService {
  private readonly levels = new Map<string, number>([
    ['apple', 1_000_000],
    ['pear', 1_000_000],
    ['plum', 3],
  ]);
  private readonly reservations = new Set<string>();

  reserve(orderId: string, items: { sku: string; qty: number }[]): void {
    // Jobs are delivered at least once: a redelivered reservation must not reserve twice.
    if (this.reservations.has(orderId)) return;
    for (const { sku, qty } of items) {
      const level = this.levels.get(sku);
      if (level === undefined) throw new NonRetryableError(`unknown sku "${sku}"`);
      if (level < qty) throw new NonRetryableError(`out of stock: ${sku} (${level} left, ${qty} wanted)`);
    }
    for (const { sku, qty } of items) this.levels.set(sku, this.levels.get(sku)! - qty);
    this.reservations.add(orderId);
  }
}
