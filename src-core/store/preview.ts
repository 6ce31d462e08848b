/**
 * Transitional (issue 10): `previewInvalidation` moved to src-core/services/preview.ts. This
 * re-export only keeps electron/handlers.ts, which another branch rewrites to call `servicesFor`,
 * compiling until the merge; delete it then. Nothing new may import it.
 */
export { previewInvalidation } from '../services/preview';
