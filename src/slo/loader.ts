/**
 * Loading SLO spec files, by concern: the files (./spec-files), their documents and what
 * follows from them (./spec-documents), the error-budget alert plugin (./error-budget-alert),
 * alert-window files (./alert-window-files), and the bridge to constructs (./spec-constructs).
 * This module only gathers them.
 */
export * from './spec-files';
export * from './spec-documents';
export * from './error-budget-alert';
export * from './alert-window-files';
export * from './spec-constructs';
