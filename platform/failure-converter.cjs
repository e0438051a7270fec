// Temporal loads a failure converter by path (`require()` in the worker and clients,
// the bundler for the workflow sandbox), so this is plain CommonJS that both can read.
// Failure messages and stack traces name people ("only 第一巡察组's leader 张组长 may
// submit"), so they travel as an encoded payload, which the payload codec seals, rather
// than as clear text in Temporal's history.
/* global require, exports */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
