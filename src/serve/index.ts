/** dj-serve's library API: serve a snapshot to DataJoint from an in-memory PGlite. */
export { serveSnapshot, isLoopback, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_CONNECTIONS, type ServeOptions, type ServedSnapshot } from './serve.js';
export { dataJointEnv, dataJointSettings, envLine, fileStores, type DataJointSettings, type DataJointStores } from './datajoint-settings.js';
export { COPY_REFUSED_MESSAGE, guardCopyFromStdin, guardMessage } from './copy-guard.js';
export { copyFromStdinStatement } from './sql-scan.js';
export { ListenError, ServeCancelledError } from './errors.js';
