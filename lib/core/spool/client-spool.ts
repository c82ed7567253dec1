/**
 * One client's crash spool: while the client runs, an exiting process seals what its lanes
 * still hold into the spool folder; at start, what an earlier process spooled goes back into
 * the lanes (sent first, stale batches dropped there) and is gone from disk.
 */
import type { SealedBatch } from '../export/sealed-batch';
import type { ExportKind } from '../ingest-contract';
import type { TeracronLogger } from '../logger';
import { registerExitSpooler } from './exit-spool';
import type { SpoolFolder } from './spool-folder';

export interface SpoolableLane {
  sealForExit(): SealedBatch[];
  enqueueSealed(batches: readonly SealedBatch[]): void;
  flush(): Promise<void>;
}

export class ClientSpool {
  private unregister: (() => void) | undefined;

  constructor(
    private readonly folder: SpoolFolder,
    private readonly lanes: Record<ExportKind, SpoolableLane>,
    private readonly logger: TeracronLogger,
    private readonly running: () => boolean,
  ) {}

  start(): void {
    this.unregister ??= registerExitSpooler(() => this.writeOnExit());
    void this.shipSpooled();
  }

  /** After the final flush: nothing is left to spool. */
  stop(): void {
    this.unregister?.();
    this.unregister = undefined;
  }

  /** Runs while the process exits, synchronously. */
  private writeOnExit(): void {
    let written = 0;
    let lost = 0;
    for (const kind of Object.keys(this.lanes) as ExportKind[]) {
      const result = this.folder.writeSync(kind, this.lanes[kind].sealForExit());
      written += result.written;
      lost += result.lost;
    }
    if (written > 0) this.logger.debug(`exiting: spooled ${written} item(s) for the next start`);
    if (lost > 0) this.logger.warn(`exiting: ${lost} queued item(s) lost, the spool folder ${this.folder.settings.dir} is full or not writable`);
  }

  private async shipSpooled(): Promise<void> {
    for (const [kind, batches] of await this.folder.takeAll()) {
      if (!this.running()) {
        // Stopped while reading: keep them for the next start.
        this.folder.writeSync(kind, batches);
        continue;
      }
      this.lanes[kind].enqueueSealed(batches);
      this.logger.debug(`${kind}: shipping ${batches.reduce((sum, batch) => sum + batch.count, 0)} item(s) spooled by an earlier run`);
      void this.lanes[kind].flush();
    }
  }
}
