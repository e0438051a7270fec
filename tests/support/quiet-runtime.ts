// Each test process installs the Temporal runtime once, logging warnings only, before
// any worker starts (the SDK logs every worker state change at INFO).
import { installRuntime } from '../../worker/create-worker.js';

installRuntime(process.env.XUNCHA_TEST_LOG ? 'INFO' : 'WARN');
