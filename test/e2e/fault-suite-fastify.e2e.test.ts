/** The fault suite (test/support/fault-suite.ts) on Fastify. */
import { describeFaultSuite } from '../support/fault-suite';

describeFaultSuite('fastify', { withTls: false });
