/**
 * Run by export-bench.ts: the export figures in a process of their own, so the flush does not
 * collect the garbage the HTTP and per-span benchmarks left in the runner's heap.
 */
import { createPublicKey } from 'node:crypto';
import { measureExportCosts } from './export-bench';

const publicKeyPem = process.env.TERACRON_BENCH_PUBLIC_KEY;
if (!publicKeyPem) throw new Error('export-bench-child needs TERACRON_BENCH_PUBLIC_KEY (a PEM public key)');
process.send!(measureExportCosts(createPublicKey(publicKeyPem)));
