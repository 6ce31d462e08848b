/**
 * Transitional (issue 10): the sample data loader moved to src-core/services/sample.ts. This
 * re-export only keeps electron/handlers.ts, which another branch rewrites to call `servicesFor`,
 * compiling until the merge; delete it then. Nothing new may import it.
 */
export { SAMPLE_TOPIC, loadSampleData } from '../services/sample';
