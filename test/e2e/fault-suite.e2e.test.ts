/** The fault suite (test/support/fault-suite.ts) on Express, with the transport's TLS check. */
import { describeFaultSuite } from '../support/fault-suite';

describeFaultSuite('express', { withTls: true });
