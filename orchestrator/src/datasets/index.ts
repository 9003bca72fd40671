// What the rest of the orchestrator (the delivery API, the CLI, the integrator checks, the environments'
// views) uses of the data pipeline, and all it may use: an eslint rule refuses an import from inside this
// folder anywhere else. The benchmark alone reaches in, to time DuckDB without the pipeline around it.
export { findDataset, loadCatalogue } from "./catalogue";
export { parseDescriptor } from "./descriptor";
export type { DatasetDescriptor } from "./descriptor";
export { describeIssues, ExtractRejectedError } from "./extract-issues";
export type { ExtractReport } from "./extract-issues";
export type { DeliveryManifest, ManifestColumn } from "./manifest";
export { readMasterKeyFile } from "./pseudonym-key";
export { pseudonymiseExtract } from "./pseudonymise-extract";
export { synthRegisterCsv } from "./synth-register";
export { validateExtract } from "./validate-extract";
